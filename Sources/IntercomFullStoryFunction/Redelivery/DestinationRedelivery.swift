import IntercomFullStory
import Logging

/// A queued request of a destination beside FullStory, sent once more as first tried, to that destination only;
/// its failure stops only its own records in the batch.
struct DestinationRedelivery {
    let destinations: [any Destination]

    func redeliver(_ message: DeliveryMessage, attempt: RecordAttempt, summary: inout Redelivery.Summary) -> RecordOutcome {
        let logger = attempt.logger
        guard let destination = destinations.first(where: { $0.name == message.destination }) else {
            logger.error("the destination of this queued event is not configured; it goes to the dead-letter queue")
            return .setAside
        }
        if let reason = attempt.stopped[.destination(destination.name)] {
            logger.info("not tried after an earlier failure in this batch", metadata: ["reason": "\(reason)"])
            return .retry
        }
        let sent = destination.send(message.request, budget: attempt.batch.record(), logger: logger, retrying: false)
        summary.destinations.append(sent.report)
        if case .failed(let reason) = sent.report.outcome {
            logger.warning("redelivery failed; retried later", metadata: ["reason": "\(reason)"])
            return .retryStopping(.destination(destination.name), reason: reason)
        }
        if sent.report.outcome == DestinationReport.Outcome.delivered { logger.info("redelivered") }
        return .finished
    }
}
