import AWSSQS
import IntercomFullStory
import ServiceClients

/// What one webhook came to: the answer for Intercom and, when an event was forwarded, what each destination and
/// pinning did.
public struct WebhookResult: Sendable {
    public var reply: WebhookReply
    /// What each destination did, in the order they were tried (FullStory first when it is on).
    public var destinations: [DestinationReport] = []
    /// What pinning did, for a conversation it applies to.
    public var pin: PinReport?
    /// Set when a pin that could not be written was not taken by SQS either.
    public var pinHandoffFailure: SQSError?
    /// The first destination's own answer (FullStory's) when a pin or another destination changed `reply`.
    public var eventReply: WebhookReply?

    public init(reply: WebhookReply) {
        self.reply = reply
    }

    // FullStory's report as the invocation's log line and the CLI's dry run read it.

    /// FullStory's tries, when FullStory had the event.
    public var report: FullStoryClient.Report? { fullStory?.fullStoryDelivery?.report }

    /// Set when FullStory's event went to the delivery queue.
    public var queued: (messageID: String, reason: DeliveryMessage.Reason, event: FullStoryEvent)? {
        guard let fullStory, case .queued(let messageID, let reason) = fullStory.outcome, let event = fullStory.fullStoryDelivery?.event
        else { return nil }
        return (messageID, reason, event)
    }

    /// Set when FullStory's event should have gone to the delivery queue and SQS did not take it: it now rests on
    /// Intercom's one retry.
    public var handoffFailure: SQSError? { fullStory?.handoffFailure }

    private var fullStory: DestinationReport? { destinations.first { $0.destination == .fullStory } }
}
