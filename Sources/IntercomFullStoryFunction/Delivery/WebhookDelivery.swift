import Budget
import IntercomFullStory
import LambdaRuntime
import Logging
import ServiceClients
import SystemClock

/// Delivers a forwarded webhook's event, in this order within the webhook's time budget:
/// 1. the session (`SessionChooser`: the lookups and pinning's choice), within the lookups' share;
/// 2. each destination that has something to send (FullStory first), each with an equal part of what is left when
///    it starts, a part kept for the pin's write when there is one, so a slow one cannot take the others' time;
/// 3. the pin's write on the conversation, with what the pin's budget leaves;
/// 4. the hand-offs to the delivery queue of what could not be delivered or written, each with its part of the
///    hand-off's time, each message naming its destination (one destination's failure never resends another's);
/// 5. the answer: the first destination's own (FullStory's), else one from every report; 503 only when something
///    failed and nothing queued it, so that Intercom retries.
final class WebhookDelivery {
    private let destinations: [any Destination]
    private let sessions: SessionChooser
    private let pinner: SessionPinner?
    private let handoff: QueueHandoff?
    private let time: TimeSource

    init(
        destinations: [any Destination], intercom: IntercomContactClient?, pinner: SessionPinner?, handoff: QueueHandoff?,
        sessionAttribute: String, time: TimeSource
    ) {
        self.destinations = destinations
        sessions = SessionChooser(
            intercom: intercom, pinner: pinner, sessionAttribute: sessionAttribute, linksEvents: destinations.contains { $0.usesSessionLink })
        self.pinner = pinner
        self.handoff = handoff
        self.time = time
    }

    /// The queue takes what the destinations and Intercom cannot take now (and only then do they get the shorter
    /// budgets).
    private var canQueue: Bool { handoff?.canSign == true }

    func deliver(_ draft: EventDraft, startNanoseconds start: UInt64, context: LambdaContext) -> WebhookResult {
        let logger = context.logger
        let budget = TimeBudget.webhook(startNanoseconds: start, context: context, queued: canQueue, time: time)
        let choice = sessions.choose(draft, budget: budget, logger: logger)
        var result = WebhookResult(reply: .skipped("no destination took the event"))  // `answer` sets it
        result.pin = choice.report
        var pending: [PendingHandoff] = []

        // What each destination would send: one with nothing to send takes no part of the time.
        var sending: [(destination: any Destination, request: DeliveryMessage.Request, index: Int)] = []
        for destination in destinations {
            switch destination.prepare(draft, session: choice) {
            case .skip(let report): result.destinations.append(report)
            case .send(let request):
                sending.append((destination, request, result.destinations.count))
                result.destinations.append(DestinationReport(destination: destination.name, outcome: .failed(reason: "not tried")))
            }
        }
        // The pin's write, when it will be made, is a part too: a slow destination cannot leave it no time.
        let pinPart = choice.write != nil && choice.mayOverwrite ? 1 : 0
        for (position, entry) in sending.enumerated() {
            let attempt = entry.destination.send(
                entry.request, .forWebhook(draft), budget: budget.share(of: sending.count - position + pinPart), logger: logger)
            result.destinations[entry.index] = attempt.report
            if let (request, reason) = attempt.toQueue {
                // The message holds the request as last tried (FullStory's unlinked variant, under its own key).
                let message = DeliveryMessage(
                    request: request, idempotencyKey: request.idempotencyKey ?? draft.idempotencyKey, origin: Self.origin(draft),
                    reason: reason, queuedAt: Int(time.epochMilliseconds() / 1000),
                    intercomRetry: entry.destination.marksIntercomRetry && draft.isIntercomRetry)
                pending.append(.destination(message, index: entry.index, by: entry.destination))
            }
        }
        if let (pin, target) = choice.write, let pinner {
            result.pin?.outcome = write(
                pin, pinner: pinner, target: target, draft: draft, mayOverwrite: choice.mayOverwrite, budget: budget,
                logger: logger, pending: &pending)
        }
        handOff(pending, start: start, context: context, into: &result)
        answer(&result, eventName: draft.eventName)
        return result
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
    private func handOff(_ pending: [PendingHandoff], start: UInt64, context: LambdaContext, into result: inout WebhookResult) {
        guard let handoff, !pending.isEmpty else { return }
        let logger = context.logger
        let window = TimeBudget.handoff(startNanoseconds: start, context: context, time: time)
        for (position, item) in pending.enumerated() {
            let outcome = handoff.handOff(item.body, budget: window.share(of: pending.count - position))
            switch (item, outcome) {
            case (.destination(let message, let index, let destination), .success(let messageID)):
                destination.handedOff(message, messageID: messageID, report: &result.destinations[index], logger: logger)
            case (.destination(let message, let index, let destination), .failure(let error)):
                destination.handOffFailed(message, error: error, report: &result.destinations[index], logger: logger)
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

    /// The answer for Intercom: the first destination's own (FullStory's), or without one, from every report; turned
    /// into a 503 when a pin or a destination failed and nothing queued it, so that Intercom retries.
    private func answer(_ result: inout WebhookResult, eventName: String) {
        let failed = result.destinations.first { report in
            if report.reply == nil, case .failed = report.outcome { true } else { false }
        }
        if let own = result.destinations.lazy.compactMap(\.reply).first {
            result.reply = own
            if let failed, case .failed(let reason) = failed.outcome, own.response.statusCode < 500 {
                result.eventReply = own
                result.reply = .destinationUnavailable(failed.destination.rawValue, reason: reason)
            }
        } else if let failed, case .failed(let reason) = failed.outcome {
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
        if case .failed(let reason, _) = result.pin?.outcome, result.reply.response.statusCode < 500 {
            result.eventReply = result.eventReply ?? result.reply
            result.reply = .pinNotWritten(reason)
        }
    }

    private static func origin(_ draft: EventDraft) -> DeliveryMessage.Origin {
        .init(topic: draft.topic, notificationID: draft.notificationID, appID: draft.appID)
    }
}
