import AWSSQS
import Budget
import IntercomFullStory
import Logging
import ServiceClients
import SystemClock

/// FullStory as a destination: the event on the chosen session, sent through Create Event under its key. What is
/// FullStory's alone stays here: the unlinked resend after a full session (`FullStoryClient`), the key-reuse answer
/// on a replay, the circuit (consulted by webhooks only; every call's outcome recorded, so that a redelivery closes
/// it), and its answer, which the webhook gives.
final class FullStoryDestination: Destination {
    let name = DeliveryMessage.Destination.fullStory
    var usesSessionLink: Bool { true }
    var marksIntercomRetry: Bool { true }
    private let client: FullStoryClient
    /// Only with a delivery queue: without one, every webhook must try FullStory (a 503 is all it can answer).
    private let circuit: CircuitBreaker?
    private let time: TimeSource

    init(client: FullStoryClient, circuit: CircuitBreaker?, time: TimeSource) {
        self.client = client
        self.circuit = circuit
        self.time = time
    }

    func prepare(_ draft: EventDraft, session: SessionChooser.Choice) -> DestinationPreparation {
        guard let event = session.event else {
            // Not reached while FullStory is on (the chooser always links); its answer is still the webhook's.
            var report = DestinationReport(destination: name, outcome: .skipped(reason: "no session link"))
            report.reply = .skipped("no session link")
            return .skip(report)
        }
        return .send(.fullStory(event))
    }

    func send(_ request: DeliveryMessage.Request, _ sending: DestinationSend, budget: TimeBudget, logger: Logger) -> DestinationAttempt {
        guard case .fullStory(let event) = request else {
            return DestinationAttempt(report: DestinationReport(destination: name, outcome: .rejected(reason: "not a FullStory request")))
        }
        let delivery: FullStoryClient.Report
        if case .webhook = sending, let circuit, !circuit.allowsRequest(now: time.monotonicNanoseconds()) {
            delivery = FullStoryClient.Report(
                outcome: .unavailable(reason: "FullStory failed \(CircuitBreaker.failureThreshold) times in a row (circuit open)"),
                attempts: 0, sent: [])
        } else {
            delivery = client.deliver(event, budget: budget, logger: logger, retrying: sending.retrying, isReplay: sending.isReplay)
            if delivery.attempts > 0 { circuit?.record(available: !delivery.outcome.isUnavailable, now: time.monotonicNanoseconds()) }
        }
        if case .redelivery = sending { logRefusal(delivery.outcome, logger: logger) }
        return attempt(delivery, event: event)
    }

    /// The report of `delivery`; what FullStory cannot take now goes to the queue as last tried.
    private func attempt(_ delivery: FullStoryClient.Report, event: FullStoryEvent) -> DestinationAttempt {
        let tried = delivery.sent.last ?? event
        var report = DestinationReport(destination: name, outcome: .delivered)
        report.attempts = delivery.attempts
        report.milliseconds = delivery.fullStoryMilliseconds
        report.reply = delivery.outcome.reply
        report.detail = .fullStory(delivery, event: tried)
        switch delivery.outcome {
        case .delivered:
            return DestinationAttempt(report: report)
        case .rejected(let status, let code):
            report.outcome = .rejected(reason: "FullStory answered \(status)" + (code.map { " (\($0))" } ?? ""))
            return DestinationAttempt(report: report)
        case .refusedCredentials(let status):
            report.refusedCredentials = true
            report.outcome = .failed(reason: "FullStory refused the API key or URL (\(status))")
            return DestinationAttempt(report: report, toQueue: (.fullStory(tried), .fullStoryRefusedCredentials))
        case .unavailable(let reason):
            report.unavailable = true
            report.outcome = .failed(reason: reason)
            return DestinationAttempt(report: report, toQueue: (.fullStory(tried), .fullStoryUnavailable))
        }
    }

    /// A redelivered event's refusals, which no webhook answer carries.
    private func logRefusal(_ outcome: DeliveryOutcome, logger: Logger) {
        switch outcome {
        case .rejected(let status, let code):
            logger.error(
                "FullStory refused the redelivered event; it is not retried", metadata: ["fullstoryStatus": "\(status)", "code": "\(code ?? "-")"])
        case .refusedCredentials(let status):
            logger.error(
                "FullStory refused the API key or URL; check FULLSTORY_API_KEY and FULLSTORY_API_URL", metadata: ["fullstoryStatus": "\(status)"])
        case .delivered, .unavailable:
            break
        }
    }

    func handedOff(_ message: DeliveryMessage, messageID: String, report: inout DestinationReport, logger: Logger) {
        let reason = report.reply?.reason ?? ""
        let fields: Logger.Metadata = ["messageId": "\(messageID)", "idempotencyKey": "\(message.idempotencyKey)", "reason": "\(reason)"]
        if message.reason == .fullStoryRefusedCredentials {
            logger.error(
                "FullStory refused the API key or URL; the event is queued. Check FULLSTORY_API_KEY and FULLSTORY_API_URL", metadata: fields)
        } else {
            logger.warning("FullStory unavailable; the event is queued for redelivery", metadata: fields)
        }
        report.outcome = .queued(messageID: messageID, reason: message.reason)
        if let event = report.fullStoryDelivery?.event { report.reply = .queued(event, reason: reason) }
    }

    func handOffFailed(_ message: DeliveryMessage, error: SQSError, report: inout DestinationReport, logger: Logger) {
        logger.error(
            "cannot queue the event; Intercom will retry it", metadata: ["error": "\(error)", "idempotencyKey": "\(message.idempotencyKey)"])
        report.handoffFailure = error
    }
}
