import AWSSQS
import IntercomFullStory

/// What one webhook came to: the answer for Intercom and, when an event was forwarded, how its delivery went.
public struct WebhookResult: Sendable {
    public var reply: WebhookReply
    /// FullStory's delivery, set when FullStory had the event.
    public var report: FullStoryClient.Report?
    /// Set when the event went to the delivery queue.
    public var queued: (messageID: String, reason: DeliveryMessage.Reason, event: FullStoryEvent)?
    /// Set when the event should have gone to the delivery queue and SQS did not take it: it now rests on
    /// Intercom's one retry.
    public var handoffFailure: SQSError?
    /// What pinning did, for a conversation it applies to.
    public var pin: PinReport?
    /// Set when a pin that could not be written was not taken by SQS either.
    public var pinHandoffFailure: SQSError?
    /// FullStory's own answer when a pin or another destination changed `reply` (metrics count the event by it).
    public var eventReply: WebhookReply?
    /// What each destination beside FullStory did.
    public var destinations: [DestinationReport] = []

    public init(reply: WebhookReply) {
        self.reply = reply
    }
}
