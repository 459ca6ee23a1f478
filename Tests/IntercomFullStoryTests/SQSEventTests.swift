import FlatJSON
import IntercomFullStory
import Testing

/// SQS events from Lambda's event source mapping, told apart from API Gateway events.
@Suite struct SQSEventTests {
    static func root(_ bytes: [UInt8]) throws -> JSONValue { try JSONDocument(parsing: bytes).root }

    @Test func awsDocumentedShape() throws {
        let event = try #require(SQSEvent(try Self.root(Fixtures.read(Fixtures.root + "/Tests/Fixtures/sqs/aws-documented.json"))))
        #expect(event.records.count == 2)
        let first = event.records[0]
        #expect(first.messageID == "059f36b4-87a3-44ab-83d2-661975830a7d")
        #expect(first.receiptHandle == "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a...")
        #expect(first.body == "Test message.")
        #expect(first.receiveCount == 1)
        #expect(first.eventSourceARN == "arn:aws:sqs:us-east-2:123456789012:my-queue")
        #expect(event.records[1].receiveCount == 3)
    }

    @Test func samLocalGenerateEventShape() throws {
        // `sam local generate-event sqs receive-message` (aws-sam-cli 1.170.0), as printed.
        let event = try #require(SQSEvent(try Self.root(Fixtures.read(Fixtures.root + "/Tests/Fixtures/sqs/sam-generate-event.json"))))
        #expect(event.records.count == 1)
        #expect(event.records[0].messageID?.isEmpty == false)
        #expect(event.records[0].receiptHandle?.isEmpty == false)
        #expect(event.records[0].body != nil)
        #expect(event.records[0].receiveCount == 1)
    }

    @Test func apiGatewayAndOtherEventsAreNotSQS() throws {
        for file in Fixtures.eventFiles {
            #expect(SQSEvent(try Self.root(Fixtures.event(file))) == nil, "\(file)")
        }
        for text in [
            #"{"Records":[{"eventSource":"aws:sns","Sns":{}}]}"#, #"{"Records":[]}"#, #"{"Records":{}}"#,
            #"{"records":[{"eventSource":"aws:sqs"}]}"#, "[]", "1",
        ] {
            #expect(SQSEvent(try Self.root(Array(text.utf8))) == nil, "\(text)")
        }
    }

    @Test func damagedRecordsAreKeptForTheirOwnVerdict() throws {
        let text = #"{"Records":[{"eventSource":"aws:sqs","messageId":"","body":7,"attributes":{"ApproximateReceiveCount":"x"}},"junk"]}"#
        let event = try #require(SQSEvent(try Self.root(Array(text.utf8))))
        #expect(event.records.count == 2)
        #expect(event.records[0].messageID == nil)
        #expect(event.records[0].body == nil)
        #expect(event.records[0].receiveCount == nil)
        #expect(event.records[1].messageID == nil)
    }

    @Test func batchResponses() throws {
        #expect(String(decoding: SQSBatchResponse(failedMessageIDs: []).encoded(), as: UTF8.self) == #"{"batchItemFailures":[]}"#)
        #expect(
            String(decoding: SQSBatchResponse(failedMessageIDs: ["a", "b\""]).encoded(), as: UTF8.self)
                == #"{"batchItemFailures":[{"itemIdentifier":"a"},{"itemIdentifier":"b\""}]}"#)
    }

    @Test func theScheduleStartsAt30SecondsAndSpansADay() {
        let delays = RedeliverySchedule.delays
        #expect(RedeliverySchedule.visibilityTimeout(afterReceive: 1) >= 30)
        #expect(zip(delays, delays.dropFirst()).allSatisfy { $0 <= $1 }, "growing")
        #expect(delays.allSatisfy { $0 <= 43_200 }, "SQS's maximum visibility timeout")
        #expect(RedeliverySchedule.totalSpanSeconds >= 24 * 3600)
        #expect(RedeliverySchedule.visibilityTimeout(afterReceive: 0) == delays[0])
        #expect(RedeliverySchedule.visibilityTimeout(afterReceive: 1000) == delays[delays.count - 1])
    }
}
