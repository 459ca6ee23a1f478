import IntercomFullStory
import LambdaRuntime
import Logging
import SystemClock

/// Delivers a forwarded webhook's event, in this order within the webhook's time budget:
/// 1. the session (`SessionChooser`: the lookups and pinning's choice), within the lookups' share;
/// 2. FullStory (unless its circuit is open) and each other destination that has something to send, each with an
///    equal part of what is left when it starts, a part kept for the pin's write when there is one, so a slow one
///    cannot take the others' time;
/// 3. the pin's write on the conversation, with what the pin's budget leaves;
/// 4. the hand-offs to the delivery queue of what could not be delivered or written, each with its part of the
///    hand-off's time, each message naming its destination (one destination's failure never resends another's);
/// 5. the answer: 503 only when something failed and nothing queued it, so that Intercom retries.
final class WebhookDelivery {
    /// `nil` when FullStory is off (another destination is on).
    private let fullStory: FullStoryClient?
    private let others: [any Destination]
    private let sessions: SessionChooser
    private let pinner: SessionPinner?
    private let handoff: QueueHandoff?
    /// Only with a delivery queue: without one, every webhook must try FullStory (a 503 is all it can answer).
    private let circuit: CircuitBreaker?
    private let time: TimeSource

    init(
        fullStory: FullStoryClient?, others: [any Destination], intercom: IntercomContactClient?, pinner: SessionPinner?,
        handoff: QueueHandoff?, circuit: CircuitBreaker?, sessionAttribute: String, time: TimeSource
    ) {
        self.fullStory = fullStory
        self.others = others
        sessions = SessionChooser(intercom: intercom, pinner: pinner, sessionAttribute: sessionAttribute, linksEvents: fullStory != nil)
        self.pinner = pinner
        self.handoff = handoff
        self.circuit = circuit
        self.time = time
    }

    /// The queue takes what the destinations and Intercom cannot take now (and only then do they get the shorter
    /// budgets).
    private var canQueue: Bool { handoff?.canSign == true }

    func deliver(_ draft: EventDraft, startNanoseconds start: UInt64, context: LambdaContext) -> WebhookResult {
        let logger = context.logger
        let budget = TimeBudget.webhook(startNanoseconds: start, context: context, queued: canQueue, time: time)
        let choice = sessions.choose(draft, budget: budget, logger: logger)
        var result = WebhookResult(reply: .skipped("FullStory is off"))
        result.pin = choice.report
        var pending: [PendingHandoff] = []

        // What each other destination would send: one with nothing to send takes no part of the time.
        var sending: [(destination: any Destination, request: DeliveryMessage.Request, index: Int)] = []
        for destination in others {
            switch destination.prepare(draft) {
            case .skip(let report): result.destinations.append(report)
            case .send(let request):
                sending.append((destination, request, result.destinations.count))
                result.destinations.append(DestinationReport(destination: destination.name, outcome: .failed(reason: "not tried")))
            }
        }
        // The pin's write, when it will be made, is a part too: a slow destination cannot leave it no time.
        let pinPart = choice.write != nil && choice.mayOverwrite ? 1 : 0
        if let event = choice.event {
            sendToFullStory(
                event, draft: draft, budget: budget.share(of: 1 + sending.count + pinPart), logger: logger, into: &result,
                pending: &pending)
        }
        for (position, entry) in sending.enumerated() {
            let attempt = entry.destination.send(
                entry.request, budget: budget.share(of: sending.count - position + pinPart), logger: logger, retrying: true)
            result.destinations[entry.index] = attempt.report
            if let (request, reason) = attempt.toQueue {
                let message = DeliveryMessage(
                    request: request, idempotencyKey: draft.idempotencyKey, origin: Self.origin(draft), reason: reason,
                    queuedAt: Int(time.epochMilliseconds() / 1000))
                pending.append(.destination(message, index: entry.index))
            }
        }
        if let (pin, target) = choice.write, let pinner {
            result.pin?.outcome = write(
                pin, pinner: pinner, target: target, draft: draft, mayOverwrite: choice.mayOverwrite, budget: budget,
                logger: logger, pending: &pending)
        }
        handOff(pending, draft: draft, start: start, context: context, into: &result)
        answer(&result, eventName: draft.eventName)
        return result
    }

    /// FullStory's try (its circuit may say not to call it); what it cannot take now is left for the hand-offs.
    private func sendToFullStory(
        _ event: FullStoryEvent, draft: EventDraft, budget: TimeBudget, logger: Logger, into result: inout WebhookResult,
        pending: inout [PendingHandoff]
    ) {
        guard let fullStory else { return }
        let report: FullStoryClient.Report
        if let circuit, !circuit.allowsRequest(now: time.monotonicNanoseconds()) {
            report = FullStoryClient.Report(
                outcome: .unavailable(reason: "FullStory failed \(CircuitBreaker.failureThreshold) times in a row (circuit open)"),
                attempts: 0, sent: [])
        } else {
            // A reply's key is its part's, shared by every notification that brings that part: FullStory's refusal of
            // the key then means another delivery of the part recorded the event, as on Intercom's retry.
            report = fullStory.deliver(event, budget: budget, logger: logger, isReplay: draft.isIntercomRetry || draft.route.key == .part)
            if report.attempts > 0 { circuit?.record(available: !report.outcome.isUnavailable, now: time.monotonicNanoseconds()) }
        }
        result.reply = report.outcome.reply
        result.report = report
        guard let reason = Self.queueReason(report.outcome) else { return }
        // The message holds the request as last tried (the unlinked variant after a full session).
        let tried = report.sent.last ?? event
        let message = DeliveryMessage(
            event: tried, origin: Self.origin(draft), reason: reason, queuedAt: Int(time.epochMilliseconds() / 1000),
            intercomRetry: draft.isIntercomRetry)
        pending.append(.fullStory(message, tried: tried))
    }

    /// Writes the pin with what the webhook's budget leaves; what cannot be written now is left for the hand-offs.
    /// Without `mayOverwrite` (a retry that could not read the conversation's pin) nothing is written now.
    private func write(
        _ pin: SessionPin, pinner: SessionPinner, target: PinTarget, draft: EventDraft, mayOverwrite: Bool, budget: TimeBudget,
        logger: Logger, pending: inout [PendingHandoff]
    ) -> PinReport.Outcome {
        let reason: PinMessage.Reason
        let failure: String
        var tried = false
        if !mayOverwrite {
            reason = .pinUnknown
            failure = "cannot read whether an earlier attempt pinned the conversation"
        } else if let timeout = budget.timeout(cappedAt: TimeBudget.pinCallMilliseconds) {
            tried = true
            switch pinner.write(pin, conversationID: target.conversationID, timeoutMilliseconds: timeout, logger: logger) {
            case .written: return .pinned
            case .refused(let cause, _): return .refused(cause: cause)
            case .conversationGone: return .conversationGone
            case .unavailable(let why):
                reason = .intercomUnavailable
                failure = why
            }
        } else {
            reason = .noTimeLeft
            failure = "no time left to write the pin"
        }
        guard handoff != nil else { return .failed(reason: failure, tried: tried) }
        let message = PinMessage(
            conversationID: target.conversationID, attribute: pinner.attribute, pin: pin, origin: Self.origin(draft), reason: reason,
            queuedAt: Int(time.epochMilliseconds() / 1000))
        pending.append(.pin(message, failure: failure, tried: tried))
        // Until its hand-off says otherwise.
        return .failed(reason: failure, tried: tried)
    }

    /// The hand-offs, in order (events first), each with an equal part of what the hand-off's time has left.
    private func handOff(_ pending: [PendingHandoff], draft: EventDraft, start: UInt64, context: LambdaContext, into result: inout WebhookResult) {
        guard let handoff, !pending.isEmpty else { return }
        let logger = context.logger
        let window = TimeBudget.handoff(startNanoseconds: start, context: context, time: time)
        for (position, item) in pending.enumerated() {
            let outcome = handoff.handOff(item.body, budget: window.share(of: pending.count - position))
            switch (item, outcome) {
            case (.fullStory(let message, let tried), .success(let messageID)):
                let fields: Logger.Metadata = [
                    "messageId": "\(messageID)", "idempotencyKey": "\(tried.idempotencyKey)", "reason": "\(result.reply.reason)",
                ]
                if message.reason == .fullStoryRefusedCredentials {
                    logger.error(
                        "FullStory refused the API key or URL; the event is queued. Check FULLSTORY_API_KEY and FULLSTORY_API_URL",
                        metadata: fields)
                } else {
                    logger.warning("FullStory unavailable; the event is queued for redelivery", metadata: fields)
                }
                result.queued = (messageID, message.reason, tried)
                result.reply = .queued(tried, reason: result.reply.reason)
            case (.fullStory(_, let tried), .failure(let error)):
                logger.error(
                    "cannot queue the event; Intercom will retry it", metadata: ["error": "\(error)", "idempotencyKey": "\(tried.idempotencyKey)"])
                result.handoffFailure = error
            case (.destination(let message, let index), .success(let messageID)):
                logger.warning(
                    "\(message.destination.rawValue) could not take the event; it is queued for redelivery",
                    metadata: ["messageId": "\(messageID)", "idempotencyKey": "\(message.idempotencyKey)", "reason": "\(message.reason.rawValue)"])
                result.destinations[index].outcome = .queued(messageID: messageID, reason: message.reason)
            case (.destination(let message, let index), .failure(let error)):
                logger.error(
                    "cannot queue the \(message.destination.rawValue) event; Intercom will retry it",
                    metadata: ["error": "\(error)", "idempotencyKey": "\(message.idempotencyKey)"])
                result.destinations[index].handoffFailure = error
            case (.pin(let message, let failure, _), .success(let messageID)):
                logger.warning(
                    "the pin is queued for redelivery",
                    metadata: ["messageId": "\(messageID)", "conversationId": "\(message.conversationID)", "reason": "\(failure)"])
                result.pin?.outcome = .queued(messageID: messageID, reason: message.reason)
            case (.pin(let message, let failure, let tried), .failure(let error)):
                logger.error(
                    "cannot queue the pin; Intercom will retry the webhook",
                    metadata: ["error": "\(error)", "conversationId": "\(message.conversationID)"])
                result.pinHandoffFailure = error
                result.pin?.outcome = .failed(reason: "\(failure), and the queue did not take the pin", tried: tried)
            }
        }
    }

    /// The answer for Intercom: FullStory's (or without it, the other destinations'), turned into a 503 when a pin
    /// or a destination failed and nothing queued it, so that Intercom retries.
    private func answer(_ result: inout WebhookResult, eventName: String) {
        let failed = result.destinations.first { if case .failed = $0.outcome { true } else { false } }
        if fullStory == nil {
            if let failed, case .failed(let reason) = failed.outcome {
                result.reply = .destinationUnavailable(failed.destination.rawValue, reason: reason)
            } else if let queued = result.destinations.first(where: { if case .queued = $0.outcome { true } else { false } }) {
                result.reply = .queued(eventName: eventName, reason: "\(queued.destination.rawValue) queued")
            } else if result.destinations.contains(where: { $0.outcome == .delivered }) {
                result.reply = .delivered(eventName: eventName, reason: result.destinations.map(\.destination.rawValue).joined(separator: ", "))
            } else if let rejected = result.destinations.first(where: { if case .rejected = $0.outcome { true } else { false } }),
                case .rejected(let reason) = rejected.outcome
            {
                result.reply = .rejectedByDestination(rejected.destination.rawValue, reason: reason)
            } else {
                let reasons = result.destinations.compactMap { if case .skipped(let reason) = $0.outcome { reason } else { nil } }
                result.reply = .skipped(reasons.first ?? "no destination took the event")
            }
        } else if let failed, case .failed(let reason) = failed.outcome, result.reply.response.statusCode < 500 {
            result.eventReply = result.reply
            result.reply = .destinationUnavailable(failed.destination.rawValue, reason: reason)
        }
        if case .failed(let reason, _) = result.pin?.outcome, result.reply.response.statusCode < 500 {
            result.eventReply = result.eventReply ?? result.reply
            result.reply = .pinNotWritten(reason)
        }
    }

    private static func origin(_ draft: EventDraft) -> DeliveryMessage.Origin {
        .init(topic: draft.topic, notificationID: draft.notificationID, appID: draft.appID)
    }

    /// Why an outcome goes to the queue; `nil` for those that stay final (delivered, FullStory refused the event).
    private static func queueReason(_ outcome: DeliveryOutcome) -> DeliveryMessage.Reason? {
        switch outcome {
        case .unavailable: .fullStoryUnavailable
        case .refusedCredentials: .fullStoryRefusedCredentials
        case .delivered, .rejected: nil
        }
    }
}
