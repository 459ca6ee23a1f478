import AWSSQS
import FlatJSON
import SystemClock

/// SQS events as Lambda's event source mapping delivers them (see ../shared/reference/aws-sqs-sigv4-emf.md §4).
public enum SQSEventBuilder {
    public static let queueARN = "arn:aws:sqs:us-east-1:123456789012:intercom-fullstory-delivery"

    /// One event for `messages` as received from SQS, with their `SentTimestamp`, or `sentAt` (milliseconds since
    /// the epoch) in its place to make them older or younger.
    public static func event(_ messages: [SQSClient.ReceivedMessage], sentAt: Int64? = nil) -> [UInt8] {
        event(
            messages.map {
                (
                    $0.messageID, $0.receiptHandle, $0.body, Int($0.attributes["ApproximateReceiveCount"] ?? "1") ?? 1,
                    sentAt ?? $0.attributes["SentTimestamp"].flatMap { Int64($0) } ?? SystemClock.epochMilliseconds()
                )
            })
    }

    /// One event for records given as (message id, receipt handle, body, receive count, sent timestamp in ms).
    public static func event(
        _ records: [(id: String, receiptHandle: String, body: String, receiveCount: Int, sentTimestamp: Int64)]
    ) -> [UInt8] {
        var writer = JSONWriter(capacity: 1024 * (records.count + 1))
        writer.beginObject()
        writer.key("Records")
        writer.beginArray()
        for record in records {
            writer.beginObject()
            writer.member("messageId", record.id)
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
            writer.member("awsRegion", "us-east-1")
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }

    /// The message ids a batch response reports failed.
    public static func failures(_ response: JSONValue) -> [String] {
        response["batchItemFailures"]?.elements.compactMap { $0["itemIdentifier"]?.string } ?? []
    }
}
