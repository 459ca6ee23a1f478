/// How long a record that failed redelivery stays invisible before its next try, by how often SQS has handed
/// it out. The delays grow from 30 s to SQS's 12 h maximum; after the last one the queue's redrive policy
/// (`maxReceiveCount` = `delays.count` in template.yaml) moves the message to the dead-letter queue, about 29 h
/// after its first try.
public enum RedeliverySchedule {
    /// Seconds of invisibility after the n-th failed receive (n = 1, 2, …).
    public static let delays = [30, 60, 120, 240, 480, 960, 1920, 3840, 7680, 15360, 30720, 43200]

    /// The delay after the receive numbered `receiveCount` (SQS's `ApproximateReceiveCount`, from 1).
    public static func visibilityTimeout(afterReceive receiveCount: Int) -> Int {
        delays[min(max(receiveCount, 1), delays.count) - 1]
    }

    /// Seconds from the first receive until the message reaches the dead-letter queue, if every try fails.
    public static var totalSpanSeconds: Int { delays.reduce(0, +) }
}
