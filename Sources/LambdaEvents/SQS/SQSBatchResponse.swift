import FlatJSON

/// The answer to an SQS event with `ReportBatchItemFailures`: the records to keep in the queue; every other
/// record is deleted by Lambda. An empty list means the whole batch succeeded.
public struct SQSBatchResponse: Sendable, Equatable {
    public var failedMessageIDs: [String]

    public init(failedMessageIDs: [String]) {
        self.failedMessageIDs = failedMessageIDs
    }

    public func encoded() -> [UInt8] {
        var writer = JSONWriter(capacity: 32 + failedMessageIDs.count * 64)
        writer.beginObject()
        writer.key("batchItemFailures")
        writer.beginArray()
        for id in failedMessageIDs {
            writer.beginObject()
            writer.member("itemIdentifier", id)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }
}
