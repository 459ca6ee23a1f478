import AWSSQS
import IntercomFullStory
import ServiceClients

/// What one destination did with a webhook's event or a queued request, for the answer, the metrics and the log
/// line.
public struct DestinationReport: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        case delivered
        /// Could not take it now; the request went to the delivery queue.
        case queued(messageID: String, reason: DeliveryMessage.Reason)
        /// Refused for good (the request itself): not retried.
        case rejected(reason: String)
        /// Nothing to send (no unit): the destination has no use for the event.
        case skipped(reason: String)
        /// Could not take it now and nothing queued it: the webhook answers 503 (redelivery: the record comes back).
        case failed(reason: String)
    }

    public var destination: DeliveryMessage.Destination
    public var outcome: Outcome
    public var attempts = 0
    public var milliseconds: Double = 0
    /// The destination answered 401/403 (our key or settings), or was unreachable/unavailable: for metrics.
    public var refusedCredentials = false
    public var unavailable = false
    /// Set when the queue did not take what the destination could not.
    public var handoffFailure: SQSError?
    /// The destination's own answer for Intercom, which the webhook gives unless a pin or another destination
    /// failed (FullStory's: the event's name and session link); `nil` for one whose outcome is the answer's input.
    public var reply: WebhookReply?
    /// What only this destination's log line needs.
    public var detail: Detail = .none

    public enum Detail: Sendable, Equatable {
        case none
        /// FullStory's tries and the event as last tried (the unlinked variant after a full session).
        case fullStory(FullStoryClient.Report, event: FullStoryEvent)
    }

    /// FullStory's tries and event, for FullStory's report.
    public var fullStoryDelivery: (report: FullStoryClient.Report, event: FullStoryEvent)? {
        if case .fullStory(let report, let event) = detail { (report, event) } else { nil }
    }

    public init(destination: DeliveryMessage.Destination, outcome: Outcome) {
        self.destination = destination
        self.outcome = outcome
    }

    public var label: String {
        switch outcome {
        case .delivered: "delivered"
        case .queued: "queued"
        case .rejected: "rejected"
        case .skipped: "skipped"
        case .failed: "failed"
        }
    }
}
