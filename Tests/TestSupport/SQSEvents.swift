import AWSSQS
import FlatJSON
import LambdaEvents
import SystemClock

/// SQS events as Lambda's event source mapping delivers them (see ../shared/reference/aws-sqs-sigv4-emf.md §4), built by
/// `LambdaEvents.SQSEventBuilder` from what SQS returned.
public enum SQSEvents {
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
        LambdaEvents.SQSEventBuilder.event(
            records.map {
                .init(messageID: $0.id, receiptHandle: $0.receiptHandle, body: $0.body, receiveCount: $0.receiveCount, sentTimestamp: $0.sentTimestamp)
            }, queueARN: queueARN, region: "us-east-1")
    }

    /// The message ids a batch response reports failed.
    public static func failures(_ response: JSONValue) -> [String] {
        response["batchItemFailures"]?.elements.compactMap { $0["itemIdentifier"]?.string } ?? []
    }
}
