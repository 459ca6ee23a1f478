/// What the core decided for one API Gateway event.
public enum WebhookDecision: Sendable {
    /// Answer now; nothing goes to FullStory.
    case reply(WebhookReply)
    /// Resolve the session (optionally looking up the contact), send the event, then answer with the
    /// reply for the delivery outcome.
    case deliver(EventDraft)
}

/// Context of a decision, for the invocation's log line.
public struct WebhookRequestSummary: Sendable {
    public var requestID: String?
    public var method: String?
    public var notificationID: String?
    public var topic: String?
    /// The workspace (`app_id`) the notification says it comes from.
    public var appID: String?

    /// Empty, or for a request answered before its body was read (`serve`'s 413).
    public init(requestID: String? = nil, method: String? = nil) {
        self.requestID = requestID
        self.method = method
    }
}
