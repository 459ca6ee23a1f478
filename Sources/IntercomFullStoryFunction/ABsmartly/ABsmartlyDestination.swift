import Budget
import IntercomFullStory
import Logging
import ServiceClients
import SystemClock

/// ABsmartly as a destination: every forwarded event becomes one goal for the contact's `external_id` (hashed as
/// the SDKs hash it), published to the Collector; no `external_id`, no request.
final class ABsmartlyDestination: Destination {
    let name = DeliveryMessage.Destination.abSmartly
    private let client: ABsmartlyClient
    private let unitType: String
    private let time: TimeSource
    /// The Collector's refusals and warnings, each logged once per cause and process (metrics count every one).
    private let causes: OncePerCause

    init(client: ABsmartlyClient, unitType: String, time: TimeSource, causes: OncePerCause = OncePerCause()) {
        self.causes = causes
        self.client = client
        self.unitType = unitType
        self.time = time
    }

    func prepare(_ draft: EventDraft, session: SessionChooser.Choice) -> DestinationPreparation {
        guard let uid = draft.externalID.flatMap(ABsmartlyUnit.hashed) else {
            return .skip(DestinationReport(destination: name, outcome: .skipped(reason: "no external_id")))
        }
        guard let goal = ABsmartlyGoal(draft: draft) else {
            return .skip(DestinationReport(destination: name, outcome: .skipped(reason: "no moment")))
        }
        return .send(.abSmartly(ABsmartlyPublish(unitType: unitType, unitUID: uid, goal: goal, publishedAtMilliseconds: time.epochMilliseconds())))
    }

    func send(_ request: DeliveryMessage.Request, _ sending: DestinationSend, budget: TimeBudget, logger: Logger) -> DestinationAttempt {
        guard case .abSmartly(let publish) = request else {
            return DestinationAttempt(report: DestinationReport(destination: name, outcome: .rejected(reason: "not an ABsmartly request")))
        }
        return attempt(publish, budget: budget, logger: logger, retrying: sending.retrying)
    }

    private func attempt(_ request: ABsmartlyPublish, budget: TimeBudget, logger: Logger, retrying: Bool) -> DestinationAttempt {
        let sent = client.publish(request, budget: budget, logger: logger, retrying: retrying)
        var report = DestinationReport(destination: name, outcome: .delivered)
        report.attempts = sent.attempts
        report.milliseconds = sent.milliseconds
        switch sent.outcome {
        case .published(let warnings):
            let said = warnings.joined(separator: "; ")
            if !warnings.isEmpty, causes.isFirst("warning \(request.goal.name): \(said)") {
                logger.warning(
                    "ABsmartly took the goal with warnings; logged once per cause",
                    metadata: ["goal": "\(request.goal.name)", "collectorWarnings": "\(said)"])
            }
            return DestinationAttempt(report: report)
        case .rejected(let status, let messages):
            let said = messages.joined(separator: "; ")
            if causes.isFirst("refused \(request.goal.name) \(status): \(said)") {
                logger.error(
                    "ABsmartly refused the goal; it is not retried (is the goal created in the Web Console?). Logged once per cause",
                    metadata: ["status": "\(status)", "goal": "\(request.goal.name)", "collectorErrors": "\(said)"])
            }
            report.outcome = .rejected(reason: status / 100 == 2 ? "ABsmartly refused the goal in its \(status) answer" : "ABsmartly answered \(status)")
            return DestinationAttempt(report: report)
        case .refused(let status):
            logger.error(
                "ABsmartly refused the key, application, environment or URL; check ABSMARTLY_API_KEY, ABSMARTLY_APPLICATION, ABSMARTLY_ENVIRONMENT and ABSMARTLY_COLLECTOR_URL",
                metadata: ["status": "\(status)"])
            report.refusedCredentials = true
            report.outcome = .failed(reason: "ABsmartly refused the credentials (\(status))")
            return DestinationAttempt(report: report, toQueue: (.abSmartly(request), .abSmartlyRefusedCredentials))
        case .unavailable(let reason):
            report.unavailable = true
            report.outcome = .failed(reason: reason)
            return DestinationAttempt(report: report, toQueue: (.abSmartly(request), .abSmartlyUnavailable))
        }
    }
}
