import FlatJSON

/// Builds SQS events as Lambda's event source mapping delivers them (`{"Records":[…]}`): for `serve`'s queue
/// consumer, which hands the function what Lambda would, and for the tests.
public enum SQSEventBuilder {
    public struct Record: Sendable {
        public var messageID: String
        public var receiptHandle: String
        public var body: String
        public var receiveCount: Int
        /// Milliseconds since the epoch when the message entered the queue.
        public var sentTimestamp: Int64

        public init(messageID: String, receiptHandle: String, body: String, receiveCount: Int, sentTimestamp: Int64) {
            self.messageID = messageID
            self.receiptHandle = receiptHandle
            self.body = body
            self.receiveCount = receiveCount
            self.sentTimestamp = sentTimestamp
        }
    }

    /// One event for `records` from the queue `queueARN` (in `region`).
    public static func event(_ records: [Record], queueARN: String, region: String) -> [UInt8] {
        var writer = JSONWriter(capacity: 1024 * (records.count + 1))
        writer.beginObject()
        writer.key("Records")
        writer.beginArray()
        for record in records {
            writer.beginObject()
            writer.member("messageId", record.messageID)
            writer.member("receiptHandle", record.receiptHandle)
            writer.member("body", record.body)
            writer.key("attributes")
            writer.beginObject()
            writer.member("ApproximateReceiveCount", "\(record.receiveCount)")
            writer.member("SentTimestamp", "\(record.sentTimestamp)")
            writer.member("SenderId", "AROAEXAMPLE:intercom-fullstory")
            writer.member("ApproximateFirstReceiveTimestamp", "\(record.sentTimestamp + 40)")
            writer.endObject()
            writer.key("messageAttributes")
            writer.beginObject()
            writer.endObject()
            writer.member("md5OfBody", "00000000000000000000000000000000")
            writer.member("eventSource", "aws:sqs")
            writer.member("eventSourceARN", queueARN)
            writer.member("awsRegion", region)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }
}
