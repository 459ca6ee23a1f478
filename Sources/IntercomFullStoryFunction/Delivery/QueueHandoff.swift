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

    /// SendMessage; the message id, or why SQS did not take it.
    public func handOff(_ message: DeliveryMessage, invocationStartNanoseconds: UInt64) -> Result<String, SQSError> {
        guard canSign else { return .failure(.signingUnavailable) }
        let body = message.encoded()
        guard body.utf8.count <= Self.maximumMessageBytes else {
            return .failure(.messageTooLarge(bytes: body.utf8.count, limit: Self.maximumMessageBytes))
        }
        let elapsed = Int((LambdaClock.monotonicNanoseconds() - invocationStartNanoseconds) / 1_000_000)
        let timeout = min(Self.maximumCallMilliseconds, Self.answerByMilliseconds - elapsed)
        guard timeout >= 100 else { return .failure(.transport(.timedOut)) }
        do {
            return .success(try client.sendMessage(queue: queue, body: body, timeoutMilliseconds: timeout).messageID)
        } catch {
            return .failure(error)
        }
    }
}
