/// The metrics the function publishes (namespace `IntercomFullStory`, dimension `FunctionName`). template.yaml's
/// alarms and dashboard name only these; a test checks that.
public enum Metric: Int, CaseIterable, Sendable {
    // Webhook outcomes, one per invocation.
    case delivered
    case queued
    /// FullStory refused the event itself (400 and other 4xx): final.
    case rejected
    case ignored
    case appNotAllowed
    /// A missing or wrong signature: a wrong client secret, or someone knocking.
    case unauthorized
    /// Not an Intercom notification, too large, or a method other than POST, GET and HEAD.
    case badRequest
    // FullStory's state, from webhooks and redeliveries alike.
    case fullStoryUnavailable
    case fullStoryRefusedKey
    /// An event FullStory could not take that SQS did not take either (refused, unreachable, too large, or no
    /// signing in libcurl): it rests on Intercom's one retry.
    case handoffFailed
    // Redelivery, per record.
    case redelivered
    case redeliveryFailed
    /// Moved to the dead-letter queue by the function: the retry schedule is over, or the message is not ours.
    case deadLettered
    // Session pinning: pins written (webhooks and redelivery); writes that failed for a time (Intercom unavailable:
    // queued and redone); reads or writes Intercom refused for want of configuration (the attribute, a permission,
    // the token), which only an operator can fix.
    case sessionPinned
    case pinFailed
    case pinRefused
    // ABsmartly, per goal (webhooks and redelivery): published, queued, refused for good, not sent for want of a
    // unit (no external_id), unavailable (429, 5xx, timeouts), refusing our key, application or environment.
    case abSmartlyDelivered
    case abSmartlyQueued
    case abSmartlyRejected
    case abSmartlySkipped
    case abSmartlyUnavailable
    case abSmartlyRefusedKey
    // FullStory calls.
    case fullStoryAttempts
    case fullStoryLatency

    public static let namespace = "IntercomFullStory"
    public static let dimension = "FunctionName"

    /// The metric's name in CloudWatch.
    public var name: String {
        switch self {
        case .delivered: "Delivered"
        case .queued: "Queued"
        case .rejected: "Rejected"
        case .ignored: "Ignored"
        case .appNotAllowed: "AppNotAllowed"
        case .unauthorized: "Unauthorized"
        case .badRequest: "BadRequest"
        case .fullStoryUnavailable: "FullStoryUnavailable"
        case .fullStoryRefusedKey: "FullStoryRefusedKey"
        case .handoffFailed: "HandoffFailed"
        case .redelivered: "Redelivered"
        case .redeliveryFailed: "RedeliveryFailed"
        case .deadLettered: "DeadLettered"
        case .sessionPinned: "SessionPinned"
        case .pinFailed: "PinFailed"
        case .pinRefused: "PinRefused"
        case .abSmartlyDelivered: "ABsmartlyDelivered"
        case .abSmartlyQueued: "ABsmartlyQueued"
        case .abSmartlyRejected: "ABsmartlyRejected"
        case .abSmartlySkipped: "ABsmartlySkipped"
        case .abSmartlyUnavailable: "ABsmartlyUnavailable"
        case .abSmartlyRefusedKey: "ABsmartlyRefusedKey"
        case .fullStoryAttempts: "FullStoryAttempts"
        case .fullStoryLatency: "FullStoryLatency"
        }
    }

    public var unit: String { self == .fullStoryLatency ? "Milliseconds" : "Count" }
}
