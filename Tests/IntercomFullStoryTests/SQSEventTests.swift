import FlatJSON
import IntercomFullStory
import LambdaEvents
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

    @Test func theSentTimestampIsRead() throws {
        let event = try #require(SQSEvent(try Self.root(Fixtures.read(Fixtures.root + "/Tests/Fixtures/sqs/aws-documented.json"))))
        #expect(event.records[0].sentTimestampMilliseconds == 1_545_082_649_183)
        let damaged = #"{"Records":[{"eventSource":"aws:sqs","messageId":"m","attributes":{"SentTimestamp":"soon"}}]}"#
        #expect(try #require(SQSEvent(try Self.root(Array(damaged.utf8)))).records[0].sentTimestampMilliseconds == nil)
    }
}

/// The retry schedule follows a message's age in the queue, never its receive count.
@Suite struct RedeliveryScheduleTests {
    @Test func theScheduleStartsAt30SecondsAndSpansMoreThanADay() {
        #expect(RedeliverySchedule.next(ageSeconds: 0) == .retry(afterSeconds: 30))
        #expect(RedeliverySchedule.next(ageSeconds: 30) == .retry(afterSeconds: 30))
        #expect(RedeliverySchedule.next(ageSeconds: 61) == .retry(afterSeconds: 61), "the delay doubles the age")
        #expect(RedeliverySchedule.next(ageSeconds: 50_000) == .retry(afterSeconds: 43_200), "SQS's maximum")
        #expect(RedeliverySchedule.next(ageSeconds: RedeliverySchedule.spanSeconds - 100) == .retry(afterSeconds: 100))
        #expect(RedeliverySchedule.next(ageSeconds: RedeliverySchedule.spanSeconds) == .exhausted)
        #expect(RedeliverySchedule.next(ageSeconds: -5) == .retry(afterSeconds: 30), "a clock behind SQS's")
        #expect(RedeliverySchedule.spanSeconds >= 24 * 3600)
    }

    @Test func aMessageThatAlwaysFailsIsTriedAFewTimesOverTheSpan() {
        let ages = RedeliverySchedule.tryAges
        #expect(ages.first == 30)
        #expect(zip(ages, ages.dropFirst()).allSatisfy { $1 - $0 >= 30 && $1 - $0 <= 43_200 }, "\(ages)")
        #expect(ages.last == RedeliverySchedule.spanSeconds, "the last try falls on the end of the span")
        #expect((10...20).contains(ages.count), "\(ages.count) tries")
    }

    /// Receives that were no tries (a batch stopped early, a deadline) do not bring the end closer: the step is
    /// the same at the same age, however many receives came before.
    @Test func untriedReceivesDoNotShortenTheSchedule() {
        var age = 30
        var receives = 0
        // A message received every 30 s and never tried still has its whole schedule ahead after an hour.
        while age < 3600 {
            receives += 1
            age += 30
        }
        #expect(receives > 100)
        #expect(RedeliverySchedule.next(ageSeconds: age) == .retry(afterSeconds: 3600))
    }

    @Test func theBackstopCountsTriesAndOneReceivePerVisibilityTimeout() {
        #expect(RedeliverySchedule.maximumReceives(visibilityTimeoutSeconds: 300) == RedeliverySchedule.tryAges.count + 360)
    }
}
