/// How the caller's delivery to FullStory ended; `reply` turns it into the answer for Intercom.
public enum DeliveryOutcome: Sendable, Equatable {
    case delivered(FullStoryEvent)
    case rejected(status: Int, code: String?)
    case refusedCredentials(status: Int)
    case unavailable(reason: String)

    /// 429, 5xx, timeouts and dropped connections: FullStory could not take the event now.
    public var isUnavailable: Bool {
        if case .unavailable = self { true } else { false }
    }

    public var reply: WebhookReply {
        switch self {
        case .delivered(let event): .delivered(event)
        case .rejected(let status, let code): .rejectedByFullStory(status: status, code: code)
        case .refusedCredentials(let status): .fullStoryRefusedCredentials(status: status)
        case .unavailable(let reason): .fullStoryUnavailable(reason)
        }
    }
}
