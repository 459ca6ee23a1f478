import IntercomFullStory
import LambdaRuntime
import Logging
import SystemClock

/// Delivers a forwarded webhook's event: the contact lookup for the session, FullStory within the webhook's time
/// budget (unless the circuit says FullStory keeps failing), and the hand-off to the delivery queue of what
/// FullStory could not take.
final class WebhookDelivery {
    private let fullStory: FullStoryClient
    private let intercom: IntercomContactClient?
    private let handoff: QueueHandoff?
    /// Only with a delivery queue: without one, every webhook must try FullStory (a 503 is all it can answer).
    private let circuit: CircuitBreaker?
    private let sessionAttribute: String
    private let time: TimeSource

    init(
        fullStory: FullStoryClient, intercom: IntercomContactClient?, handoff: QueueHandoff?, circuit: CircuitBreaker?,
        sessionAttribute: String, time: TimeSource
    ) {
        self.fullStory = fullStory
        self.intercom = intercom
        self.handoff = handoff
        self.circuit = circuit
        self.sessionAttribute = sessionAttribute
        self.time = time
    }

    func deliver(_ draft: EventDraft, startNanoseconds start: UInt64, context: LambdaContext) -> WebhookResult {
        let logger = context.logger
        // FullStory gets the queued webhook's share (2 s) only when the queue can take what it cannot.
        let budget = TimeBudget.webhook(startNanoseconds: start, context: context, queued: handoff?.canSign == true, time: time)
        let attribute = lookUpSessionAttribute(draft, budget: budget, logger: logger)
        let event = draft.event(contactSessionAttribute: attribute)
        let report: FullStoryClient.Report
        if let circuit, !circuit.allowsRequest(now: time.monotonicNanoseconds()) {
            report = FullStoryClient.Report(
                outcome: .unavailable(reason: "FullStory failed \(CircuitBreaker.failureThreshold) times in a row (circuit open)"),
                attempts: 0, sent: [])
        } else {
            report = fullStory.deliver(event, budget: budget, logger: logger)
            if report.attempts > 0 { circuit?.record(available: !report.outcome.isUnavailable, now: time.monotonicNanoseconds()) }
        }
        guard let handoff, let reason = Self.queueReason(report.outcome) else {
            return WebhookResult(reply: report.outcome.reply, report: report)
        }
        // The message holds the request as last tried (the unlinked variant after a full session).
        let tried = report.sent.last ?? event
        let message = DeliveryMessage(
            event: tried,
            origin: .init(topic: draft.route.topic, notificationID: draft.notificationID, appID: draft.appID),
            reason: reason, queuedAt: Int(time.epochMilliseconds() / 1000))
        switch handoff.handOff(message, budget: TimeBudget.handoff(startNanoseconds: start, context: context, time: time)) {
        case .success(let messageID):
            let fields: Logger.Metadata = [
                "messageId": "\(messageID)", "idempotencyKey": "\(tried.idempotencyKey)", "reason": "\(report.outcome.reply.reason)",
            ]
            if reason == .fullStoryRefusedCredentials {
                logger.error(
                    "FullStory refused the API key or URL; the event is queued. Check FULLSTORY_API_KEY and FULLSTORY_API_URL",
                    metadata: fields)
            } else {
                logger.warning("FullStory unavailable; the event is queued for redelivery", metadata: fields)
            }
            return WebhookResult(
                reply: .queued(tried, reason: report.outcome.reply.reason), report: report, queued: (messageID, reason, tried))
        case .failure(let error):
            logger.error(
                "cannot queue the event; Intercom will retry it",
                metadata: ["error": "\(error)", "idempotencyKey": "\(tried.idempotencyKey)"])
            return WebhookResult(reply: report.outcome.reply, report: report, handoffFailure: error)
        }
    }

    /// Why an outcome goes to the queue; `nil` for those that stay final (delivered, FullStory refused the event).
    private static func queueReason(_ outcome: DeliveryOutcome) -> DeliveryMessage.Reason? {
        switch outcome {
        case .unavailable: .fullStoryUnavailable
        case .refusedCredentials: .fullStoryRefusedCredentials
        case .delivered, .rejected: nil
        }
    }

    /// A failed or slow lookup never fails the delivery: the payload's `external_id` is the fallback.
    private func lookUpSessionAttribute(_ draft: EventDraft, budget: TimeBudget, logger: Logger) -> String? {
        guard draft.wantsContactLookup, let intercom, let contactID = draft.contactID else { return nil }
        do {
            return try intercom.sessionAttribute(contactID: contactID, attribute: sessionAttribute, budget: budget)
        } catch {
            logger.warning(
                "contact lookup failed; linking by external_id if present",
                metadata: ["contactId": "\(contactID)", "error": "\(error)"])
            return nil
        }
    }
}
