/// The metrics the function publishes (namespace `IntercomFullStory`, dimension `FunctionName`). template.yaml's
/// alarms and dashboard name only these; a test checks that.
public enum Metric: String, CaseIterable, Sendable {
    // Webhook outcomes, one per invocation.
    case delivered = "Delivered"
    case queued = "Queued"
    /// FullStory refused the event itself (400 and other 4xx): final.
    case rejected = "Rejected"
    case ignored = "Ignored"
    case appNotAllowed = "AppNotAllowed"
    /// A missing or wrong signature: a wrong client secret, or someone knocking.
    case unauthorized = "Unauthorized"
    /// Not an Intercom notification, too large, or a method other than POST, GET and HEAD.
    case badRequest = "BadRequest"
    // FullStory's state, from webhooks and redeliveries alike.
    case fullStoryUnavailable = "FullStoryUnavailable"
    case fullStoryRefusedKey = "FullStoryRefusedKey"
    // Redelivery, per record.
    case redelivered = "Redelivered"
    case redeliveryFailed = "RedeliveryFailed"
    // FullStory calls.
    case fullStoryAttempts = "FullStoryAttempts"
    case fullStoryLatency = "FullStoryLatency"

    public static let namespace = "IntercomFullStory"
    public static let dimension = "FunctionName"

    public var unit: String { self == .fullStoryLatency ? "Milliseconds" : "Count" }
}
