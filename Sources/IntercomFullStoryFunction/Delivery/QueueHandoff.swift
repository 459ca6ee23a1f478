import AWSSQS
import IntercomFullStory
import LambdaRuntime

/// Hands an event FullStory could not take to the delivery queue (SendMessage), in time for the webhook to be
/// answered within 3 s of the invocation's start.
public final class QueueHandoff {
    /// The hand-off must be done by then (from the start of the invocation), leaving 2 s for Intercom's 5.
    public static let answerByMilliseconds = 2900
    /// Longest SendMessage; SQS normally answers in tens of milliseconds.
    static let maximumCallMilliseconds = 900

    public let queue: SQSQueueURL
    let client: SQSClient

    public init(queue: SQSQueueURL, client: SQSClient) {
        self.queue = queue
        self.client = client
    }

    /// SendMessage; the message id, or why SQS did not take it.
    public func handOff(_ message: DeliveryMessage, invocationStartNanoseconds: UInt64) -> Result<String, SQSError> {
        let elapsed = Int((LambdaClock.monotonicNanoseconds() - invocationStartNanoseconds) / 1_000_000)
        let timeout = min(Self.maximumCallMilliseconds, Self.answerByMilliseconds - elapsed)
        guard timeout >= 100 else { return .failure(.transport(.timedOut)) }
        do {
            return .success(try client.sendMessage(queue: queue, body: message.encoded(), timeoutMilliseconds: timeout).messageID)
        } catch {
            return .failure(error)
        }
    }
}
