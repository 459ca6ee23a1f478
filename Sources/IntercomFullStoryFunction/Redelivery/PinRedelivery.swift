import Budget
import IntercomFullStory
import Logging

/// A queued pin: the conversation is read first (a pin already there wins: Intercom's retry of the webhook may
/// have written one), then the stored value is written into the stored attribute. After Intercom failed, the rest
/// of the batch's pins wait for their schedule.
struct PinRedelivery {
    /// `nil` when pinning is off: queued pins are then set aside (the operator turned the writes off).
    let pinner: SessionPinner?

    func redeliver(_ message: PinMessage, attempt: RecordAttempt, summary: inout Redelivery.Summary) -> RecordOutcome {
        if let reason = attempt.stopped[.pins] {
            attempt.logger.info("pin not tried after Intercom failed earlier in this batch", metadata: ["reason": "\(reason)"])
            return .retry
        }
        switch write(message, budget: attempt.batch.record(), logger: attempt.logger) {
        case .written:
            summary.pinned += 1
            return .finished
        case .skipped:
            summary.pinsSkipped += 1
            return .finished
        case .notWritable(let refused):
            // Kept for a redrive once the configuration is fixed.
            if refused { summary.pinRefused += 1 }
            return .setAside
        case .retry(let reason, let tried):
            guard tried else { return .retry }
            summary.pinFailed += 1
            return .retryStopping(.pins, reason: reason)
        }
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

    /// - Parameter logger: the record's, with the conversation's id.
    private func write(_ message: PinMessage, budget: TimeBudget, logger: Logger) -> PinWrite {
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
}
