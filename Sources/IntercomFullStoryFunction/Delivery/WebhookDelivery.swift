import IntercomFullStory
import LambdaRuntime
import Logging
import SystemClock

/// Delivers a forwarded webhook's event: the lookups that choose its session (the contact; with pinning, List
/// Sessions), FullStory within the webhook's time budget (unless the circuit says FullStory keeps failing), each
/// other destination within its part of what is left, the hand-off to the delivery queue of what a destination
/// could not take (each on its own: one's failure never resends another's event), and last, with what time is
/// left, the pin's write on the conversation.
final class WebhookDelivery {
    /// `nil` when FullStory is off (another destination is on).
    private let fullStory: FullStoryClient?
    private let others: [any Destination]
    private let intercom: IntercomContactClient?
    private let pinner: SessionPinner?
    private let handoff: QueueHandoff?
    /// Only with a delivery queue: without one, every webhook must try FullStory (a 503 is all it can answer).
    private let circuit: CircuitBreaker?
    private let sessionAttribute: String
    private let time: TimeSource

    init(
        fullStory: FullStoryClient?, others: [any Destination], intercom: IntercomContactClient?, pinner: SessionPinner?,
        handoff: QueueHandoff?, circuit: CircuitBreaker?, sessionAttribute: String, time: TimeSource
    ) {
        self.fullStory = fullStory
        self.others = others
        self.intercom = intercom
        self.pinner = pinner
        self.handoff = handoff
        self.circuit = circuit
        self.sessionAttribute = sessionAttribute
        self.time = time
    }

    /// The queue takes what FullStory and Intercom cannot take now (and only then do they get the shorter budgets).
    private var canQueue: Bool { handoff?.canSign == true }

    func deliver(_ draft: EventDraft, startNanoseconds start: UInt64, context: LambdaContext) -> WebhookResult {
        // The destinations get the queued webhook's share (2 s) only when the queue can take what they cannot.
        let budget = TimeBudget.webhook(startNanoseconds: start, context: context, queued: canQueue, time: time)
        var result = deliverToFullStory(draft, budget: budget, start: start, context: context)
        for (index, destination) in others.enumerated() {
            result.destinations.append(
                deliver(draft, to: destination, budget: budget.share(of: others.count - index), start: start, context: context))
        }
        answer(&result, eventName: draft.eventName)
        return result
    }

    /// The answer for Intercom: FullStory's (or without it, the other destinations'), turned into a 503 when a pin
    /// or a destination failed and nothing queued it, so that Intercom retries.
    private func answer(_ result: inout WebhookResult, eventName: String) {
        let failed = result.destinations.first { if case .failed = $0.outcome { true } else { false } }
        if fullStory == nil {
            let outcomes = result.destinations.map(\.outcome)
            if let failed, case .failed(let reason) = failed.outcome {
                result.reply = .destinationUnavailable(failed.destination.rawValue, reason: reason)
            } else if let queued = result.destinations.first(where: { if case .queued = $0.outcome { true } else { false } }) {
                result.reply = .queued(eventName: eventName, reason: "\(queued.destination.rawValue) queued")
            } else if outcomes.contains(.delivered) {
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

    /// One destination beside FullStory; what it cannot take now goes to the queue as a message naming it.
    private func deliver(
        _ draft: EventDraft, to destination: any Destination, budget: TimeBudget, start: UInt64, context: LambdaContext
    ) -> DestinationReport {
        let logger = context.logger
        let attempt = destination.deliver(draft, budget: budget, logger: logger)
        var report = attempt.report
        guard let (request, reason) = attempt.toQueue, let handoff else { return report }
        let message = DeliveryMessage(
            request: request, idempotencyKey: draft.idempotencyKey, origin: Self.origin(draft), reason: reason,
            queuedAt: Int(time.epochMilliseconds() / 1000))
        switch handoff.handOff(message.encoded(), budget: TimeBudget.handoff(startNanoseconds: start, context: context, time: time)) {
        case .success(let messageID):
            logger.warning(
                "\(destination.name.rawValue) could not take the event; it is queued for redelivery",
                metadata: ["messageId": "\(messageID)", "idempotencyKey": "\(draft.idempotencyKey)", "reason": "\(reason.rawValue)"])
            report.outcome = .queued(messageID: messageID, reason: reason)
        case .failure(let error):
            logger.error(
                "cannot queue the \(destination.name.rawValue) event; Intercom will retry it",
                metadata: ["error": "\(error)", "idempotencyKey": "\(draft.idempotencyKey)"])
            report.handoffFailure = error
        }
        return report
    }

    /// FullStory's part: the lookups and pinning (which run with pinning on even without FullStory), the event,
    /// its hand-off, the pin's write. Without FullStory, `reply` is left for `answer` to set.
    private func deliverToFullStory(_ draft: EventDraft, budget: TimeBudget, start: UInt64, context: LambdaContext) -> WebhookResult {
        let logger = context.logger
        guard let pinner, let target = draft.pinTarget else {
            guard fullStory != nil else { return WebhookResult(reply: .skipped("FullStory is off")) }
            let lookup = budget.lookupShare()
            // A ticket whose linked conversation was pinned goes on that conversation's session.
            if let pinner, let linked = draft.linkedConversationID, draft.wantsContactLookup,
                case .pinned(let pin) = pinner.pinWritten(
                    onConversation: linked, source: .linkedConversationAttribute, budget: lookup, logger: logger)
            {
                return send(draft.event(pin: pin), draft: draft, budget: budget, start: start, context: context)
            }
            let attribute = lookUpSessionAttribute(draft, budget: lookup, logger: logger)
            return send(draft.event(contactSessionAttribute: attribute), draft: draft, budget: budget, start: start, context: context)
        }
        // Pinning: the session is chosen before the Opened event, within the lookups' share; the write comes after.
        let lookup = budget.lookupShare()
        var pin = draft.existingPin
        var report = PinReport(outcome: .alreadyPinned, source: .conversationAttribute)
        // On Intercom's retry, a pin an earlier attempt wrote wins; when that cannot be read, the new search's pin is
        // not written over what may be there (it is queued for redelivery, which reads again first).
        var earlierPinUnknown = false
        if pin == nil, target.isRetry {
            switch pinner.pinWritten(onConversation: target.conversationID, source: .conversationAttribute, budget: lookup, logger: logger) {
            case .pinned(let found): pin = found
            case .none: break
            case .unknown: earlierPinUnknown = true
            }
        }
        var contactAttribute: String?
        if pin == nil {
            contactAttribute = lookUpSessionAttribute(draft, budget: lookup, logger: logger)
            (pin, report) = pinner.resolve(
                target, contactAttribute: contactAttribute, externalID: draft.externalID, lookup: lookup, logger: logger)
        }
        let event = pin.map(draft.event(pin:)) ?? draft.event(contactSessionAttribute: contactAttribute)
        var result =
            fullStory == nil ? WebhookResult(reply: .skipped("FullStory is off")) : send(event, draft: draft, budget: budget, start: start, context: context)
        if let pin, pin.needsWriting {
            report.outcome = write(
                pin, pinner: pinner, target: target, draft: draft, mayOverwrite: !earlierPinUnknown, start: start, context: context,
                result: &result)
        }
        result.pin = report
        return result
    }

    /// The event to FullStory (within its part of the budget when other destinations follow), and to the queue
    /// when FullStory cannot take it.
    private func send(_ event: FullStoryEvent, draft: EventDraft, budget whole: TimeBudget, start: UInt64, context: LambdaContext)
        -> WebhookResult
    {
        let logger = context.logger
        guard let fullStory else { return WebhookResult(reply: .skipped("FullStory is off")) }
        let budget = whole.share(of: others.count + 1)
        let report: FullStoryClient.Report
        if let circuit, !circuit.allowsRequest(now: time.monotonicNanoseconds()) {
            report = FullStoryClient.Report(
                outcome: .unavailable(reason: "FullStory failed \(CircuitBreaker.failureThreshold) times in a row (circuit open)"),
                attempts: 0, sent: [])
        } else {
            report = fullStory.deliver(event, budget: budget, logger: logger, isReplay: draft.isIntercomRetry)
            if report.attempts > 0 { circuit?.record(available: !report.outcome.isUnavailable, now: time.monotonicNanoseconds()) }
        }
        guard let handoff, let reason = Self.queueReason(report.outcome) else {
            return WebhookResult(reply: report.outcome.reply, report: report)
        }
        // The message holds the request as last tried (the unlinked variant after a full session).
        let tried = report.sent.last ?? event
        let message = DeliveryMessage(
            event: tried, origin: Self.origin(draft), reason: reason, queuedAt: Int(time.epochMilliseconds() / 1000))
        switch handoff.handOff(message.encoded(), budget: TimeBudget.handoff(startNanoseconds: start, context: context, time: time)) {
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

    /// Writes the pin with what the budget leaves; what cannot be written now is queued, or fails the webhook (503)
    /// without a queue so that Intercom's retry writes it. Without `mayOverwrite` (a retry that could not read the
    /// conversation's pin) nothing is written now.
    private func write(
        _ pin: SessionPin, pinner: SessionPinner, target: PinTarget, draft: EventDraft, mayOverwrite: Bool, start: UInt64,
        context: LambdaContext, result: inout WebhookResult
    ) -> PinReport.Outcome {
        let logger = context.logger
        let writeBudget = TimeBudget.pinWrite(startNanoseconds: start, context: context, queued: canQueue, time: time)
        let reason: PinMessage.Reason
        let failure: String
        var tried = false
        if !mayOverwrite {
            reason = .pinUnknown
            failure = "cannot read whether an earlier attempt pinned the conversation"
        } else if let timeout = writeBudget.timeout(cappedAt: TimeBudget.pinCallMilliseconds) {
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
        guard let handoff else { return .failed(reason: failure, tried: tried) }
        let message = PinMessage(
            conversationID: target.conversationID, attribute: pinner.attribute, pin: pin, origin: Self.origin(draft), reason: reason,
            queuedAt: Int(time.epochMilliseconds() / 1000))
        switch handoff.handOff(message.encoded(), budget: TimeBudget.handoff(startNanoseconds: start, context: context, time: time)) {
        case .success(let messageID):
            logger.warning(
                "the pin is queued for redelivery",
                metadata: ["messageId": "\(messageID)", "conversationId": "\(target.conversationID)", "reason": "\(failure)"])
            return .queued(messageID: messageID, reason: reason)
        case .failure(let error):
            logger.error(
                "cannot queue the pin; Intercom will retry the webhook",
                metadata: ["error": "\(error)", "conversationId": "\(target.conversationID)"])
            result.pinHandoffFailure = error
            return .failed(reason: "\(failure), and the queue did not take the pin", tried: tried)
        }
    }

    private static func origin(_ draft: EventDraft) -> DeliveryMessage.Origin {
        .init(topic: draft.route.topic, notificationID: draft.notificationID, appID: draft.appID)
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
                metadata: ["contactId": "\(contactID)", "error": "Intercom \(error)"])
            return nil
        }
    }
}
