import AWSSQS
import Budget
import IntercomFullStory
import Logging

/// Where a forwarded event goes (FullStory, ABsmartly): it makes its request from the destination-neutral draft and
/// the session chosen for it, or says why it has none; it sends a request within the budget it is given, the
/// webhook's or a queued one's; and it says what a hand-off of its request to the delivery queue came to. The session
/// is chosen once, before any destination (`SessionChooser`); the webhook's answer is the first destination's own
/// when it has one (FullStory's), else built from every report. Adding one is a folder like `ABsmartly/` with a type
/// conforming to this, its metrics in `Metric` and `DestinationMetrics`, and its settings in `FunctionConfiguration`.
protocol Destination: AnyObject {
    var name: DeliveryMessage.Destination { get }

    /// Whether its request carries the session link, so that the contact lookup and pinning's choice are made for it.
    var usesSessionLink: Bool { get }

    /// Whether its queued messages say that the webhook was Intercom's retry (`intercom_retry`): FullStory's do,
    /// since its answer to a reused key means "recorded" only then.
    var marksIntercomRetry: Bool { get }

    /// The request for `draft` with the session chosen for it, or the report of why there is none (it then takes
    /// none of the webhook's time).
    func prepare(_ draft: EventDraft, session: SessionChooser.Choice) -> DestinationPreparation

    /// One send of `request`, as `sending` says (a webhook's tries within `budget`, or a queued record's one try).
    func send(_ request: DeliveryMessage.Request, _ sending: DestinationSend, budget: TimeBudget, logger: Logger) -> DestinationAttempt

    /// SQS took `message`: the report says so, and the log.
    func handedOff(_ message: DeliveryMessage, messageID: String, report: inout DestinationReport, logger: Logger)

    /// SQS did not take `message`: the event now rests on Intercom's retry.
    func handOffFailed(_ message: DeliveryMessage, error: SQSError, report: inout DestinationReport, logger: Logger)
}

extension Destination {
    var usesSessionLink: Bool { false }

    var marksIntercomRetry: Bool { false }

    func handedOff(_ message: DeliveryMessage, messageID: String, report: inout DestinationReport, logger: Logger) {
        logger.warning(
            "\(message.destination.rawValue) could not take the event; it is queued for redelivery",
            metadata: ["messageId": "\(messageID)", "idempotencyKey": "\(message.idempotencyKey)", "reason": "\(message.reason.rawValue)"])
        report.outcome = .queued(messageID: messageID, reason: message.reason)
    }

    func handOffFailed(_ message: DeliveryMessage, error: SQSError, report: inout DestinationReport, logger: Logger) {
        logger.error(
            "cannot queue the \(message.destination.rawValue) event; Intercom will retry it",
            metadata: ["error": "\(error)", "idempotencyKey": "\(message.idempotencyKey)"])
        report.handoffFailure = error
    }
}
