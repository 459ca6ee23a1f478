import AWSSQS
import FlatJSON
import IntercomFullStory
@testable import IntercomFullStoryFunction
import LambdaEvents
import LambdaRuntime
import Logging
import SystemClock
import TestSupport
import Testing

/// The partial-batch runner on its own, with handlers that answer what a test says: which records are reported,
/// rescheduled, moved to the dead-letter queue or not tried, whatever the kind of record.
@Suite struct PartialBatchRunnerTests {
    static let logger = Logger(label: "t") { _ in SwiftLogNoOpLogHandler() }
    static let noDeadline = LambdaContext(requestID: "r", deadlineEpochMilliseconds: nil, logger: logger)

    /// An event of records `m-0`, `m-1`… whose bodies are their index, sent `ageSeconds` ago.
    static func event(_ count: Int, ageSeconds: Int = 0, handles: [String]? = nil) throws -> SQSEvent {
        let sent = SystemClock.epochMilliseconds() - Int64(ageSeconds) * 1000
        let records = (0..<count).map { index in
            (id: "m-\(index)", receiptHandle: handles?[index] ?? "handle-\(index)", body: "\(index)", receiveCount: 1, sentTimestamp: sent)
        }
        return try #require(SQSEvent(try JSONDocument(parsing: SQSEvents.event(records)).root))
    }

    static func runner(queue: (url: SQSQueueURL, client: SQSClient)? = nil, deadLetterQueue: SQSQueueURL? = nil) -> PartialBatchRunner {
        PartialBatchRunner(queue: queue, deadLetterQueue: deadLetterQueue, time: .system)
    }

    @Test func onlyRetriedAndUnmovedRecordsAreReportedInOrder() throws {
        let outcomes: [RecordOutcome] = [.finished, .retry, .setAside, .retryStopping(.pins, reason: "down"), .finished]
        let result = try Self.runner().run(try Self.event(outcomes.count), context: Self.noDeadline) { record, _ in
            outcomes[Int(record.body ?? "") ?? 0]
        }
        #expect(result == .init(failedMessageIDs: ["m-1", "m-2", "m-3"], deadLettered: 0))
    }

    @Test func aStopIsSeenByTheLaterRecordsOfAllGroupsAndOnlyByThem() throws {
        var seen: [[RecordGroup: String]] = []
        _ = try Self.runner().run(try Self.event(3), context: Self.noDeadline) { record, attempt in
            seen.append(attempt.stopped)
            return record.body == "0" ? .retryStopping(.destination(.abSmartly), reason: "collector down") : .finished
        }
        #expect(seen == [[:], [.destination(.abSmartly): "collector down"], [.destination(.abSmartly): "collector down"]])
    }

    @Test func aRecordIsGivenItsAgeAndItsPlaceInTheSchedule() throws {
        var attempts: [RecordAttempt] = []
        _ = try Self.runner().run(try Self.event(1, ageSeconds: 200_000), context: Self.noDeadline) { _, attempt in
            attempts.append(attempt)
            return .finished
        }
        #expect(attempts.map(\.step) == [.exhausted])
        #expect(attempts.allSatisfy { $0.ageSeconds >= 200_000 && $0.ageSeconds < 200_100 })
    }

    @Test func withTheDeadlineNearNoRecordIsTriedAndEveryOneIsReported() throws {
        // Lambda's deadline 1 s away: the batch keeps 1.5 s for its answer, so no record has its second.
        let context = LambdaContext(requestID: "r", deadlineEpochMilliseconds: SystemClock.epochMilliseconds() + 1000, logger: Self.logger)
        var tried = 0
        let result = try Self.runner().run(try Self.event(2), context: context) { _, _ in
            tried += 1
            return .finished
        }
        #expect(tried == 0)
        #expect(result.failedMessageIDs == ["m-0", "m-1"])
    }

    @Test func aRecordWithoutAMessageIDFailsTheWholeBatchUntried() throws {
        let bytes = Array(#"{"Records":[{"messageId":"","body":"0","eventSource":"aws:sqs"}]}"#.utf8)
        let event = try #require(SQSEvent(try JSONDocument(parsing: bytes).root))
        var tried = 0
        #expect(throws: PartialBatchRunner.RecordWithoutMessageID.self) {
            _ = try Self.runner().run(event, context: Self.noDeadline) { _, _ in
                tried += 1
                return .finished
            }
        }
        #expect(tried == 0)
    }

    /// With moto as SQS: a record set aside and one whose schedule is over are moved to the dead-letter queue and
    /// not reported; a young retried one is reported and hidden for its delay.
    @Test func movesAndDelaysGoToSQS() throws {
        let sqs = try LocalSQS.start()
        let queues = try sqs.makeQueues("runner", visibilityTimeoutSeconds: 0)
        let client = sqs.client()
        for body in ["0", "1"] { _ = try client.sendMessage(queue: queues.delivery, body: body, timeoutMilliseconds: 5000) }
        let received = try client.receiveMessages(queue: queues.delivery, maximum: 10, visibilityTimeoutSeconds: 0)
        #expect(received.count == 2)
        let runner = Self.runner(queue: (queues.delivery, client), deadLetterQueue: queues.deadLetter)
        // Bodies "0" and "1": the first set aside, the second retried; both young.
        let handles = received.sorted { $0.body < $1.body }.map(\.receiptHandle)
        let young = try runner.run(try Self.event(2, handles: handles), context: Self.noDeadline) { record, _ in
            record.body == "0" ? .setAside : .retry
        }
        #expect(young == .init(failedMessageIDs: ["m-1"], deadLettered: 1))
        #expect(try sqs.count(queues.deadLetter).visible == 1)
        // The moved record stays in the delivery queue for the event source mapping to delete; the retried one is hidden.
        #expect(try sqs.count(queues.delivery) == (visible: 1, inFlight: 1), "the retried record is hidden for its delay")

        let old = try runner.run(try Self.event(1, ageSeconds: RedeliverySchedule.spanSeconds + 60), context: Self.noDeadline) { _, _ in .retry }
        #expect(old == .init(failedMessageIDs: [], deadLettered: 1))
        #expect(try sqs.count(queues.deadLetter).visible == 2)
    }
}
