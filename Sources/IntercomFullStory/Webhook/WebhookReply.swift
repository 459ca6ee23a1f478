import LambdaEvents

/// A final answer to API Gateway, with a label for the invocation's log line. This is the response table of
/// docs/reliability.md; every row is built here and nowhere else.
public struct WebhookReply: Sendable, Equatable {
    public enum Outcome: String, Sendable {
        case health, methodNotAllowed = "method_not_allowed", payloadTooLarge = "payload_too_large"
        case unauthorized, badRequest = "bad_request", ping, ignored, appNotAllowed = "app_not_allowed"
        case delivered, queued, rejectedByFullStory = "rejected_by_fullstory"
        case fullStoryRefusedCredentials = "fullstory_refused_credentials"
        case fullStoryUnavailable = "fullstory_unavailable"
        case pinNotWritten = "pin_not_written"
        case skipped
        case rejectedByDestination = "rejected_by_destination"
        case destinationUnavailable = "destination_unavailable"
    }

    public var outcome: Outcome
    /// A short, log-safe explanation (never secrets or message text).
    public var reason: String
    public var response: APIGatewayResponse

    /// HEAD (Intercom's URL validation) and GET: 200 without a signature; HEAD has no body.
    public static func health(method: String) -> WebhookReply {
        let response =
            method == "HEAD"
            ? APIGatewayResponse(statusCode: 200, headers: [("Content-Type", "application/json")])
            : .json(200, [("status", "ok"), ("service", "intercom-fullstory")])
        return WebhookReply(outcome: .health, reason: "health check", response: response)
    }

    public static func methodNotAllowed(_ method: String) -> WebhookReply {
        WebhookReply(
            outcome: .methodNotAllowed, reason: "method not allowed",
            response: .json(405, [("error", "method not allowed")], headers: [("Allow", "GET, HEAD, POST")]))
    }

    public static func payloadTooLarge(limit: Int) -> WebhookReply {
        WebhookReply(
            outcome: .payloadTooLarge, reason: "body over \(limit) bytes",
            response: .json(413, [("error", "payload too large")]))
    }

    public static func unauthorized(_ verdict: IntercomSignature.Verdict) -> WebhookReply {
        WebhookReply(outcome: .unauthorized, reason: verdict.reason, response: .json(401, [("error", verdict.reason)]))
    }

    public static func badRequest(_ reason: String) -> WebhookReply {
        WebhookReply(outcome: .badRequest, reason: reason, response: .json(400, [("error", reason)]))
    }

    public static let ping = WebhookReply(outcome: .ping, reason: "ping", response: .json(200, [("status", "ping")]))

    public static func ignored(topic: String) -> WebhookReply {
        WebhookReply(
            outcome: .ignored, reason: "topic not forwarded",
            response: .json(200, [("status", "ignored"), ("topic", topic)]))
    }

    /// A correctly signed notification from a workspace not in `INTERCOM_APP_IDS`.
    public static let appNotAllowed = WebhookReply(
        outcome: .appNotAllowed, reason: "workspace not in INTERCOM_APP_IDS",
        response: .json(200, [("status", "ignored"), ("reason", "app not allowed")]))

    public static func delivered(_ event: FullStoryEvent) -> WebhookReply {
        delivered(eventName: event.name, reason: event.link.label)
    }

    /// The event was delivered (to FullStory, or without FullStory to every other destination that took it).
    public static func delivered(eventName: String, reason: String) -> WebhookReply {
        WebhookReply(outcome: .delivered, reason: reason, response: .json(200, [("status", "delivered"), ("event", eventName)]))
    }

    /// FullStory could not take the event, and it is now in the delivery queue: Intercom need not retry.
    public static func queued(_ event: FullStoryEvent, reason: String) -> WebhookReply {
        queued(eventName: event.name, reason: reason)
    }

    /// A destination could not take the event, and it is now in the delivery queue: Intercom need not retry.
    public static func queued(eventName: String, reason: String) -> WebhookReply {
        WebhookReply(outcome: .queued, reason: reason, response: .json(200, [("status", "queued"), ("event", eventName)]))
    }

    /// No destination had a use for the event (without FullStory: no unit for ABsmartly).
    public static func skipped(_ reason: String) -> WebhookReply {
        WebhookReply(outcome: .skipped, reason: reason, response: .json(200, [("status", "skipped"), ("reason", reason)]))
    }

    /// A destination other than FullStory refused the event itself: a retry cannot help.
    public static func rejectedByDestination(_ destination: String, reason: String) -> WebhookReply {
        WebhookReply(
            outcome: .rejectedByDestination, reason: reason,
            response: .json(200, [("status", "rejected"), ("reason", "\(destination) refused the event")]))
    }

    /// A destination could not take the event now and no queue took it: 503 so that Intercom redelivers (FullStory
    /// takes its resend under its key; other destinations without keys may count it twice).
    public static func destinationUnavailable(_ destination: String, reason: String) -> WebhookReply {
        WebhookReply(
            outcome: .destinationUnavailable, reason: reason,
            response: .json(503, [("error", "\(destination) unavailable, retry later")], headers: [("Retry-After", "60")]))
    }

    /// FullStory refused the event itself: a retry cannot help, so Intercom must not redeliver.
    public static func rejectedByFullStory(status: Int, code: String?) -> WebhookReply {
        WebhookReply(
            outcome: .rejectedByFullStory, reason: "FullStory answered \(status) \(code ?? "without a code")",
            response: .json(200, [("status", "rejected"), ("reason", "FullStory refused the event")]))
    }

    /// FullStory refused our API key or URL: an operator must act; 502 shows in Intercom's delivery log.
    public static func fullStoryRefusedCredentials(status: Int) -> WebhookReply {
        WebhookReply(
            outcome: .fullStoryRefusedCredentials,
            reason: "FullStory refused the API key or URL (\(status)); check FULLSTORY_API_KEY and FULLSTORY_API_URL",
            response: .json(502, [("error", "FullStory refused the credentials")]))
    }

    /// FullStory could not take the event now: 503 so Intercom redelivers (the key makes that safe).
    public static func fullStoryUnavailable(_ reason: String) -> WebhookReply {
        WebhookReply(
            outcome: .fullStoryUnavailable, reason: reason,
            response: .json(503, [("error", "FullStory unavailable, retry later")], headers: [("Retry-After", "60")]))
    }

    /// The event went its way, but the session pin could not be written nor queued: 503 so that Intercom retries
    /// (the event's key makes the resend safe).
    public static func pinNotWritten(_ reason: String) -> WebhookReply {
        WebhookReply(
            outcome: .pinNotWritten, reason: reason,
            response: .json(503, [("error", "the session pin could not be written, retry later")], headers: [("Retry-After", "60")]))
    }
}
