import AWSSQS
import IntercomFullStory
import LambdaEvents
import LambdaRuntime
import Logging
import SystemClock

/// Answers an SQS event from the delivery queue: each record goes once to its own destination, as the webhook
/// last tried it (`EventRedelivery`), or for a pin, to the conversation (`PinRedelivery`). The batch's mechanics (time, reported failures, the schedule, the dead-letter queue) are
/// `PartialBatchRunner`'s; each kind of record has its handler.
public final class Redelivery {
    private let runner: PartialBatchRunner
    private let events: EventRedelivery
    private let pins: PinRedelivery

    init(
        destinations: [any Destination], pinner: SessionPinner?, queue: (url: SQSQueueURL, client: SQSClient)?, deadLetterQueue: SQSQueueURL?,
        time: TimeSource
    ) {
        runner = PartialBatchRunner(queue: queue, deadLetterQueue: deadLetterQueue, time: time)
        events = EventRedelivery(destinations: destinations, time: time)
        pins = PinRedelivery(pinner: pinner)
    }

    public func process(_ event: SQSEvent, context: LambdaContext) throws -> (SQSBatchResponse, Summary) {
        var summary = Summary(records: event.records.count)
        let batch = try runner.run(event, context: context) { record, attempt in
            handle(record, attempt: &attempt, summary: &summary)
        }
        summary.failed = batch.failed
        summary.deadLettered = batch.deadLettered
        return (SQSBatchResponse(failedMessageIDs: batch.failedMessageIDs), summary)
    }

    private func handle(_ record: SQSEvent.Record, attempt: inout RecordAttempt, summary: inout Summary) -> RecordOutcome {
        switch QueuedMessage.decode(record.body ?? "") {
        case .success(.pin(let pin)):
            attempt.logger[metadataKey: "conversationId"] = "\(pin.conversationID)"
            return pins.redeliver(pin, attempt: attempt, summary: &summary)
        case .success(.delivery(let message)):
            attempt.logger[metadataKey: "idempotencyKey"] = "\(message.idempotencyKey)"
            attempt.logger[metadataKey: "destination"] = "\(message.destination.rawValue)"
            return events.redeliver(message, attempt: &attempt, summary: &summary)
        case .failure(let problem):
            // Never dropped silently: moved to the dead-letter queue, or reported until the redrive policy moves it
            // there.
            attempt.logger.error(
                "SQS record is not a delivery message; it will end in the dead-letter queue",
                metadata: ["problem": "\(problem)", "eventSourceArn": "\(record.eventSourceARN ?? "-")"])
            summary.notOurs += 1
            return .setAside
        }
    }
}
