import AWSSQS
import IntercomFullStory
import LambdaRuntime
import Logging
import SystemClock

/// Answers an SQS event from the delivery queue: each record goes once to its own destination (FullStory's event
/// with the key and body the webhook tried, another destination's request as first tried) or, for a pin, to the
/// conversation. Records that fail are reported (`batchItemFailures`) and rescheduled along
/// `RedeliverySchedule` by their age in the queue; after a 429 or 5xx the rest of the batch is reported without
/// calling FullStory. A record whose schedule is over, and a message that is not ours, is moved to the
/// dead-letter queue when `DEAD_LETTER_QUEUE_URL` is set (SendMessage there; the record is then not reported,
/// so the event source mapping deletes it). Outcomes are recorded in the webhooks' circuit, so that a successful
/// redelivery closes it.
public final class Redelivery {
    /// What one invocation did, for its log line and metrics.
    public struct Summary: Sendable, Equatable {
        public var records = 0
        public var delivered = 0
        /// FullStory refused the event itself (400…): logged, not retried.
        public var rejected = 0
        /// Reported failed: they come back later.
        public var failed = 0
        /// Not delivery messages: moved to the dead-letter queue, or reported failed for its redrive policy.
        public var notOurs = 0
        /// Moved to the dead-letter queue by the function (schedule over, or not ours).
        public var deadLettered = 0
        public var fullStoryAttempts = 0
        public var fullStoryMilliseconds: Double = 0
        public var fullStoryUnavailable = 0
        public var fullStoryRefusedCredentials = 0
        /// Queued pins written on their conversation.
        public var pinned = 0
        /// Queued pins whose write (or the read before it) failed for a time: Intercom unavailable.
        public var pinFailed = 0
        /// Queued pins whose write (or the read before it) Intercom refused for want of configuration.
        public var pinRefused = 0
        /// Queued pins not written: the conversation holds another pin (it wins), or is gone.
        public var pinsSkipped = 0
        /// What each record for a destination beside FullStory came to.
        public var destinations: [DestinationReport] = []
    }

    /// A record without a message id cannot be reported on its own: the whole batch fails (Lambda retries it).
    public struct RecordWithoutMessageID: Error, LambdaReportableError {
        public var lambdaErrorType: String { "Redelivery.InvalidEvent" }
        public var lambdaErrorMessage: String { "an SQS record has no messageId" }
    }

    /// `nil` when FullStory is off: its queued events go to the dead-letter queue, to be redriven once it is on.
    private let fullStory: FullStoryClient?
    private let others: [any Destination]
    /// `nil` when pinning is off: queued pins are then dropped (the operator turned the writes off).
    private let pinner: SessionPinner?
    private let queue: (url: SQSQueueURL, client: SQSClient)?
    private let deadLetterQueue: SQSQueueURL?
    private let circuit: CircuitBreaker?
    /// The clocks: SQS's `SentTimestamp` is on the wall clock, budgets on the monotonic one.
    private let time: TimeSource

    init(
        fullStory: FullStoryClient?, others: [any Destination], pinner: SessionPinner?, queue: (url: SQSQueueURL, client: SQSClient)?,
        deadLetterQueue: SQSQueueURL?, circuit: CircuitBreaker?, time: TimeSource
    ) {
        self.fullStory = fullStory
        self.others = others
        self.pinner = pinner
        self.queue = queue
        self.deadLetterQueue = deadLetterQueue
        self.circuit = circuit
        self.time = time
    }

    public func process(_ event: SQSEvent, context: LambdaContext) throws -> (SQSBatchResponse, Summary) {
        let logger = context.logger
        let start = time.monotonicNanoseconds()
        // Records stop 1.5 s before Lambda's deadline; the closing calls (moves, visibility changes) 300 ms before.
        let batch = TimeBudget.batch(startNanoseconds: start, context: context, time: time)
        let closingCalls = TimeBudget.batchCalls(startNanoseconds: start, context: context, time: time)
        guard event.records.allSatisfy({ $0.messageID != nil }) else {
            logger.error("SQS event with a record without messageId; the whole batch is reported failed")
            throw RecordWithoutMessageID()
        }
        var summary = Summary(records: event.records.count)
        var failedIDs: [String] = []
        var reschedule: [SQSClient.VisibilityChange] = []
        /// Set once FullStory is known not to take events now: the rest of the batch is not tried.
        var stopReason: String?
        /// The same for Intercom and the batch's pins, and for each other destination.
        var pinStopReason: String?
        var destinationStopReasons: [DeliveryMessage.Destination: String] = [:]

        for record in event.records {
            let id = record.messageID ?? ""
            var recordLogger = logger
            recordLogger[metadataKey: "messageId"] = "\(id)"
            if let count = record.receiveCount { recordLogger[metadataKey: "receiveCount"] = "\(count)" }
            // Without SentTimestamp (never from SQS itself) the record is as young as can be: the receive count
            // and the redrive policy are then the only limit.
            let ageSeconds = record.sentTimestampMilliseconds.map { sent in
                Int(max(0, time.epochMilliseconds() - min(max(sent, 0), Int64.max / 2)) / 1000)
            } ?? 0
            let step = RedeliverySchedule.next(ageSeconds: ageSeconds)

            /// Reports the record failed; `rescheduling` makes it invisible for its scheduled delay. A record whose
            /// schedule is over goes to the dead-letter queue instead, when there is one.
            func fail(rescheduling: Bool) {
                if rescheduling, step == .exhausted, moveToDeadLetterQueue(record, budget: closingCalls, logger: recordLogger) {
                    summary.deadLettered += 1
                    return
                }
                summary.failed += 1
                failedIDs.append(id)
                // Over and not moved (no DEAD_LETTER_QUEUE_URL, or the move failed): no delay of ours, so it comes
                // back after the queue's visibility timeout and reaches maxReceiveCount, and the redrive policy,
                // well within the queue's retention (TemplateTests).
                if rescheduling, case .retry(let seconds) = step, let handle = record.receiptHandle {
                    reschedule.append(.init(receiptHandle: handle, visibilityTimeoutSeconds: seconds))
                }
            }

            /// A record this function will not deliver as configured (not ours, a destination or pinning that is
            /// off, a pin Intercom refuses): moved to the dead-letter queue, to be redriven once that changes, or
            /// reported until the redrive policy moves it there.
            func setAside() {
                if moveToDeadLetterQueue(record, budget: closingCalls, logger: recordLogger) {
                    summary.deadLettered += 1
                } else {
                    fail(rescheduling: false)
                }
            }

            guard batch.remainingMilliseconds() >= TimeBudget.minimumRecordMilliseconds else {
                // Not tried: it comes back after the queue's visibility timeout, like any unanswered record.
                recordLogger.warning("redelivery deadline near; record left for the next try")
                fail(rescheduling: false)
                continue
            }
            let message: DeliveryMessage
            switch QueuedMessage.decode(record.body ?? "") {
            case .success(.delivery(let decoded)):
                message = decoded
            case .success(.pin(let pin)):
                // After Intercom failed in this batch, the other pins wait for their schedule.
                if let pinStopReason {
                    recordLogger.info("pin not tried after Intercom failed earlier in this batch", metadata: ["reason": "\(pinStopReason)"])
                    fail(rescheduling: true)
                    continue
                }
                switch writePin(pin, budget: batch.record(), logger: recordLogger) {
                case .written: summary.pinned += 1
                case .skipped: summary.pinsSkipped += 1
                case .notWritable(let refused):
                    // Kept for a redrive once the configuration is fixed.
                    if refused { summary.pinRefused += 1 }
                    setAside()
                case .retry(let reason, let tried):
                    if tried {
                        summary.pinFailed += 1
                        pinStopReason = reason
                    }
                    fail(rescheduling: true)
                }
                continue
            case .failure(let problem):
                // Never dropped silently: moved to the dead-letter queue, or reported until the redrive policy
                // moves it there.
                recordLogger.error(
                    "SQS record is not a delivery message; it will end in the dead-letter queue",
                    metadata: ["problem": "\(problem)", "eventSourceArn": "\(record.eventSourceARN ?? "-")"])
                summary.notOurs += 1
                setAside()
                continue
            }
            recordLogger[metadataKey: "idempotencyKey"] = "\(message.idempotencyKey)"
            recordLogger[metadataKey: "destination"] = "\(message.destination.rawValue)"
            guard case .fullStory(let event) = message.request, let fullStory else {
                // Another destination's (or FullStory's while it is off): each destination resends only its own.
                let destination = others.first { $0.name == message.destination }
                guard let destination else {
                    recordLogger.error("the destination of this queued event is not configured; it goes to the dead-letter queue")
                    setAside()
                    continue
                }
                if let reason = destinationStopReasons[destination.name] {
                    recordLogger.info("not tried after an earlier failure in this batch", metadata: ["reason": "\(reason)"])
                    fail(rescheduling: true)
                    continue
                }
                let attempt = destination.send(message.request, budget: batch.record(), logger: recordLogger, retrying: false)
                summary.destinations.append(attempt.report)
                if case .failed(let reason) = attempt.report.outcome {
                    recordLogger.warning("redelivery failed; retried later", metadata: ["reason": "\(reason)"])
                    destinationStopReasons[destination.name] = reason
                    fail(rescheduling: true)
                } else if attempt.report.outcome == DestinationReport.Outcome.delivered {
                    recordLogger.info("redelivered")
                }
                continue
            }
            recordLogger[metadataKey: "event"] = "\(event.name)"
            // The circuit is not consulted: a batch makes one call at most while FullStory fails, which is the
            // probe the circuit would make anyway, and a success closes it for the webhooks.
            if let stopReason {
                recordLogger.info("not tried after an earlier failure in this batch", metadata: ["reason": "\(stopReason)"])
                fail(rescheduling: true)
                continue
            }

            // A webhook Intercom retried may have reached FullStory under this key with another body, and a reply's key
            // is shared by every notification of its part: then FullStory's refusal of the key means it recorded the
            // event, as the webhook path counts it.
            let sharedKey = TopicTable.route(for: message.origin.topic)?.key == .part
            let report = fullStory.deliver(
                event, budget: batch.record(), logger: recordLogger, retrying: false, isReplay: message.intercomRetry || sharedKey)
            summary.fullStoryAttempts += report.attempts
            summary.fullStoryMilliseconds += report.fullStoryMilliseconds
            if report.attempts > 0 { circuit?.record(available: !report.outcome.isUnavailable, now: time.monotonicNanoseconds()) }
            let queuedFor = max(0, Int(time.epochMilliseconds() / 1000) - message.queuedAt)
            switch report.outcome {
            case .delivered(let sent):
                summary.delivered += 1
                recordLogger.info(
                    "redelivered", metadata: ["sessionLink": "\(sent.link.label)", "queuedSeconds": "\(queuedFor)"])
            case .rejected(let status, let code):
                summary.rejected += 1
                recordLogger.error(
                    "FullStory refused the redelivered event; it is not retried",
                    metadata: ["fullstoryStatus": "\(status)", "code": "\(code ?? "-")"])
            case .refusedCredentials(let status):
                summary.fullStoryRefusedCredentials += 1
                recordLogger.error(
                    "FullStory refused the API key or URL; check FULLSTORY_API_KEY and FULLSTORY_API_URL",
                    metadata: ["fullstoryStatus": "\(status)"])
                stopReason = "FullStory refused the API key or URL (\(status))"
                fail(rescheduling: true)
            case .unavailable(let reason):
                summary.fullStoryUnavailable += 1
                if case .retry(let retryIn) = step {
                    recordLogger.warning(
                        "redelivery failed; retried later", metadata: ["reason": "\(reason)", "retryInSeconds": "\(retryIn)"])
                } else {
                    recordLogger.error(
                        "redelivery failed and the retry schedule is over",
                        metadata: ["reason": "\(reason)", "queuedSeconds": "\(ageSeconds)"])
                }
                stopReason = reason
                fail(rescheduling: true)
            }
        }
        delay(reschedule, budget: closingCalls, logger: logger)
        return (SQSBatchResponse(failedMessageIDs: failedIDs), summary)
    }

    private enum PinWrite {
        case written
        /// The conversation holds another pin (it wins), or is gone.
        case skipped
        /// Not to be written by this function as configured: Intercom refused it, or pinning is off.
        case notWritable(refused: Bool)
        /// Intercom unavailable (`tried`), or no time left: the schedule brings it back.
        case retry(reason: String, tried: Bool)
    }

    /// A queued pin: the conversation is read first (a pin already there wins: Intercom's retry of the webhook may
    /// have written one), then the stored value is written into the stored attribute.
    private func writePin(_ message: PinMessage, budget: TimeBudget, logger: Logger) -> PinWrite {
        var logger = logger
        logger[metadataKey: "conversationId"] = "\(message.conversationID)"
        guard let pinner else {
            logger.error("INTERCOM_PIN_SESSIONS is off: the queued pin is not written and goes to the dead-letter queue")
            return .notWritable(refused: false)
        }
        switch pinner.pinWritten(
            onConversation: message.conversationID, attribute: message.attribute, source: .conversationAttribute, budget: budget,
            logger: logger)
        {
        case .pinned(let existing):
            // The same pin is already there (Intercom's retry wrote and counted it): nothing to do, nothing to count.
            if existing.session != message.pin.session {
                logger.info("the conversation holds another pin, which wins; the queued one is not written")
            }
            return .skipped
        case .gone:
            return .skipped
        case .refused:
            return .notWritable(refused: true)
        case .unknown:
            return .retry(reason: "cannot read the conversation", tried: true)
        case .none:
            break
        }
        guard let timeout = budget.timeout(cappedAt: TimeBudget.redeliveredPinCallMilliseconds) else {
            logger.warning("no time left to write the queued pin; retried later")
            return .retry(reason: "no time left", tried: false)
        }
        switch pinner.write(
            message.pin, conversationID: message.conversationID, attribute: message.attribute, timeoutMilliseconds: timeout, logger: logger)
        {
        case .written: return .written
        case .conversationGone: return .skipped
        case .refused: return .notWritable(refused: true)
        case .unavailable(let reason): return .retry(reason: reason, tried: true)
        }
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
