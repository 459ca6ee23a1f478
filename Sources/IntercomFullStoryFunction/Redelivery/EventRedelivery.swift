import IntercomFullStory
import Logging
import SystemClock

/// A queued event, sent once more to its own destination only, as the webhook last tried it. A failure for a time
/// stops that destination's later records in the batch, not another's.
struct EventRedelivery {
    let destinations: [any Destination]
    let time: TimeSource

    /// - Parameter attempt: its logger gains the event's name.
    func redeliver(_ message: DeliveryMessage, attempt: inout RecordAttempt, summary: inout Redelivery.Summary) -> RecordOutcome {
        if let event = message.event { attempt.logger[metadataKey: "event"] = "\(event.name)" }
        let logger = attempt.logger
        // FullStory's off, or a destination since removed: set aside until it is on again.
        guard let destination = destinations.first(where: { $0.name == message.destination }) else {
            logger.error("the destination of this queued event is not configured; it goes to the dead-letter queue")
            return .setAside
        }
        if let reason = attempt.stopped[.destination(destination.name)] {
            logger.info("not tried after an earlier failure in this batch", metadata: ["reason": "\(reason)"])
            return .retry
        }
        let sent = destination.send(message.request, .forRedelivery(message), budget: attempt.batch.record(), logger: logger)
        summary.destinations.append(sent.report)
        switch sent.report.outcome {
        case .delivered:
            var fields: Logger.Metadata = ["queuedSeconds": "\(max(0, Int(time.epochMilliseconds() / 1000) - message.queuedAt))"]
            if let event = sent.report.fullStoryDelivery?.event { fields["sessionLink"] = "\(event.link.label)" }
            logger.info("redelivered", metadata: fields)
            return .finished
        case .rejected, .skipped, .queued:
            // Refused for good: the destination said why.
            return .finished
        case .failed(let reason) where sent.report.refusedCredentials:
            // Not an outage: the destination logged the refusal and what to check.
            return .retryStopping(.destination(destination.name), reason: reason)
        case .failed(let reason):
            if case .retry(let retryIn) = attempt.step {
                logger.warning("redelivery failed; retried later", metadata: ["reason": "\(reason)", "retryInSeconds": "\(retryIn)"])
            } else {
                logger.error(
                    "redelivery failed and the retry schedule is over", metadata: ["reason": "\(reason)", "queuedSeconds": "\(attempt.ageSeconds)"])
            }
            return .retryStopping(.destination(destination.name), reason: reason)
        }
    }
}
