import AWSSQS
import Budget
import IntercomFullStory
import LambdaEvents
import LambdaRuntime
import Logging
import SystemClock

/// Lambda's partial batch response for an SQS event, record by record (as Powertools' batch processor): a record is
/// tried only while the batch has time for it; one that fails is reported (`batchItemFailures`) and made invisible
/// for its delay on `RedeliverySchedule` by its age in the queue, or moved to the dead-letter queue once that
/// schedule is over; one set aside is moved there at once when `DEAD_LETTER_QUEUE_URL` is set (SendMessage; the
/// record is then not reported, so the event source mapping deletes it). After a failure that names a cause, the
/// rest of its group's records wait. What a record is and where it goes is its handler's.
struct PartialBatchRunner {
    /// What the batch came to.
    struct Result: Equatable {
        /// Reported failed: they come back later.
        var failedMessageIDs: [String] = []
        /// Moved to the dead-letter queue by the function.
        var deadLettered = 0

        var failed: Int { failedMessageIDs.count }

        mutating func report(_ record: SQSEvent.Record) { failedMessageIDs.append(record.messageID ?? "") }
    }

    /// A record without a message id cannot be reported on its own: the whole batch fails (Lambda retries it).
    struct RecordWithoutMessageID: Error, LambdaReportableError {
        var lambdaErrorType: String { "Redelivery.InvalidEvent" }
        var lambdaErrorMessage: String { "an SQS record has no messageId" }
    }

    let queue: (url: SQSQueueURL, client: SQSClient)?
    let deadLetterQueue: SQSQueueURL?
    /// The clocks: SQS's `SentTimestamp` is on the wall clock, budgets on the monotonic one.
    let time: TimeSource

    func run(
        _ event: SQSEvent, context: LambdaContext, handle: (SQSEvent.Record, inout RecordAttempt) -> RecordOutcome
    ) throws -> Result {
        let start = time.monotonicNanoseconds()
        // Records stop 1.5 s before Lambda's deadline; the closing calls (moves, visibility changes) 300 ms before.
        let batch = TimeBudget.batch(startNanoseconds: start, context: context, time: time)
        let closingCalls = TimeBudget.batchCalls(startNanoseconds: start, context: context, time: time)
        guard event.records.allSatisfy({ $0.messageID != nil }) else {
            context.logger.error("SQS event with a record without messageId; the whole batch is reported failed")
            throw RecordWithoutMessageID()
        }
        var result = Result()
        var reschedule: [SQSClient.VisibilityChange] = []
        var stopped: [RecordGroup: String] = [:]
        for record in event.records {
            var logger = context.logger
            logger[metadataKey: "messageId"] = "\(record.messageID ?? "")"
            if let count = record.receiveCount { logger[metadataKey: "receiveCount"] = "\(count)" }
            guard batch.remainingMilliseconds() >= TimeBudget.minimumRecordMilliseconds else {
                // Not tried: it comes back after the queue's visibility timeout, like any unanswered record.
                logger.warning("redelivery deadline near; record left for the next try")
                result.report(record)
                continue
            }
            let ageSeconds = age(of: record)
            let step = RedeliverySchedule.next(ageSeconds: ageSeconds)
            // The handler names the record in its logger (event, key, destination, conversation); the moves use it.
            var attempt = RecordAttempt(logger: logger, step: step, ageSeconds: ageSeconds, batch: batch, stopped: stopped)
            let outcome = handle(record, &attempt)
            logger = attempt.logger
            switch outcome {
            case .finished:
                continue
            case .setAside:
                if moveToDeadLetterQueue(record, budget: closingCalls, logger: logger) {
                    result.deadLettered += 1
                } else {
                    result.report(record)
                }
                continue
            case .retryStopping(let group, let reason):
                stopped[group] = reason
            case .retry:
                break
            }
            if step == .exhausted, moveToDeadLetterQueue(record, budget: closingCalls, logger: logger) {
                result.deadLettered += 1
                continue
            }
            result.report(record)
            // Over and not moved (no DEAD_LETTER_QUEUE_URL, or the move failed): no delay of ours, so it comes back
            // after the queue's visibility timeout and reaches maxReceiveCount, and the redrive policy, well within
            // the queue's retention (TemplateTests).
            if case .retry(let seconds) = step, let handle = record.receiptHandle {
                reschedule.append(.init(receiptHandle: handle, visibilityTimeoutSeconds: seconds))
            }
        }
        delay(reschedule, budget: closingCalls, logger: context.logger)
        return result
    }

    /// Seconds since SQS took the record. Without SentTimestamp (never from SQS itself) the record is as young as
    /// can be: the receive count and the redrive policy are then the only limit.
    private func age(of record: SQSEvent.Record) -> Int {
        record.sentTimestampMilliseconds.map { sent in
            Int(max(0, time.epochMilliseconds() - min(max(sent, 0), Int64.max / 2)) / 1000)
        } ?? 0
    }

    /// Sends the record's message as it is to the dead-letter queue; true when SQS took it (the record is then
    /// not reported, and the event source mapping deletes it). False without a dead-letter queue, without time,
    /// or when SQS refused: the record is reported failed and comes back.
    private func moveToDeadLetterQueue(_ record: SQSEvent.Record, budget: TimeBudget, logger: Logger) -> Bool {
        guard let deadLetterQueue, let queue, let body = record.body else { return false }
        guard let timeout = budget.timeout(cappedAt: TimeBudget.deadLetterMoveMilliseconds) else {
            logger.warning("no time left to move the record to the dead-letter queue; it comes back")
            return false
        }
        do {
            let sent = try queue.client.sendMessage(queue: deadLetterQueue, body: body, timeoutMilliseconds: timeout)
            logger.error(
                "moved to the dead-letter queue (docs/reliability.md tells how to send it back)",
                metadata: ["deadLetterMessageId": "\(sent.messageID)"])
            return true
        } catch {
            logger.error("cannot move the record to the dead-letter queue; it comes back", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// Makes failed records invisible for their scheduled delay (ten per call). A failure here only means the
    /// record comes back sooner, after the queue's visibility timeout.
    private func delay(_ changes: [SQSClient.VisibilityChange], budget: TimeBudget, logger: Logger) {
        guard !changes.isEmpty else { return }
        guard let queue else {
            logger.warning("DELIVERY_QUEUE_URL is not set: failed records come back after the queue's visibility timeout")
            return
        }
        var start = 0
        while start < changes.count {
            let chunk = Array(changes[start..<min(start + SQSClient.maximumBatchSize, changes.count)])
            start += chunk.count
            guard let timeout = budget.timeout(cappedAt: TimeBudget.batchCallMilliseconds) else {
                logger.warning("no time left to delay the retries", metadata: ["records": "\(changes.count - start + chunk.count)"])
                return
            }
            do {
                let refused = try queue.client.changeMessageVisibility(queue: queue.url, chunk, timeoutMilliseconds: timeout)
                for entry in refused {
                    logger.warning("SQS refused to delay a retry", metadata: ["code": "\(entry.code)"])
                }
            } catch {
                logger.warning("cannot delay the retries", metadata: ["error": "\(error)", "records": "\(chunk.count)"])
            }
        }
    }
}
