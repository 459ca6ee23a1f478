import FlatJSON

/// An event from Lambda's SQS event source mapping: `{"Records":[{"messageId", "receiptHandle", "body",
/// "attributes": {"ApproximateReceiveCount": "1", …}, "eventSource": "aws:sqs", "eventSourceARN", …}]}`.
/// Records are kept as delivered; each is checked where it is used, so that one bad record fails alone.
public struct SQSEvent: Sendable {
    public struct Record: Sendable {
        /// The id the batch response names a failed record by; `nil` when missing or empty.
        public var messageID: String?
        public var receiptHandle: String?
        public var body: String?
        /// `attributes.ApproximateReceiveCount` (a string in the event); `nil` when absent or not a number.
        public var receiveCount: Int?
        /// `attributes.SentTimestamp`: milliseconds since the epoch when the message entered the queue (a redrive
        /// from the dead-letter queue sends it anew); `nil` when absent or not a number.
        public var sentTimestampMilliseconds: Int64?
        public var eventSourceARN: String?
    }

    public var records: [Record]

    /// `nil` unless `root` is an SQS event: a `Records` array whose first record says `eventSource: "aws:sqs"`.
    /// Only the root's members are looked at for anything else (an API Gateway event costs one member scan).
    public init?(_ root: JSONValue) {
        guard let list = root["Records"], list.kind == .array,
            let first = list.elements.first(where: { _ in true }), first["eventSource"]?.isString("aws:sqs") == true
        else { return nil }
        records = list.elements.map { record in
            Record(
                messageID: record["messageId"]?.string.flatMap { $0.isEmpty ? nil : $0 },
                receiptHandle: record["receiptHandle"]?.string.flatMap { $0.isEmpty ? nil : $0 },
                body: record["body"]?.string,
                receiveCount: record["attributes", "ApproximateReceiveCount"]?.string.flatMap { Int($0) },
                sentTimestampMilliseconds: record["attributes", "SentTimestamp"]?.string.flatMap { Int64($0) },
                eventSourceARN: record["eventSourceARN"]?.string)
        }
    }
}
