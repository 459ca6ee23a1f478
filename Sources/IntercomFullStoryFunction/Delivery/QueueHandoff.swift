import AWSSQS
import Budget
import IntercomFullStory

/// Hands an event FullStory could not take to the delivery queue (SendMessage), within the hand-off's budget
/// (`TimeBudget.handoff`: done by 2.9 s after the invocation's start, so the webhook is answered within 3 s).
public final class QueueHandoff {
    /// The queues' `MaximumMessageSize` in template.yaml (256 KiB, which every region takes); a larger message is
    /// not sent (SQS would refuse it).
    public static let maximumMessageBytes = 262_144

    public let queue: SQSQueueURL
    let client: SQSClient
    /// False when the loaded libcurl cannot sign AWS requests (checked at start-up): nothing is sent.
    let canSign: Bool

    public init(queue: SQSQueueURL, client: SQSClient, canSign: Bool = true) {
        self.queue = queue
        self.client = client
        self.canSign = canSign
    }

    /// SendMessage of an encoded queue message (`DeliveryMessage`, `PinMessage`); the message id, or why SQS did
    /// not take it.
    public func handOff(_ body: String, budget: TimeBudget) -> Result<String, SQSError> {
        guard canSign else { return .failure(.signingUnavailable) }
        guard body.utf8.count <= Self.maximumMessageBytes else {
            return .failure(.messageTooLarge(bytes: body.utf8.count, limit: Self.maximumMessageBytes))
        }
        guard let timeout = budget.timeout(cappedAt: TimeBudget.handoffCallMilliseconds) else { return .failure(.transport(.timedOut)) }
        do {
            return .success(try client.sendMessage(queue: queue, body: body, timeoutMilliseconds: timeout).messageID)
        } catch {
            return .failure(error)
        }
    }
}
