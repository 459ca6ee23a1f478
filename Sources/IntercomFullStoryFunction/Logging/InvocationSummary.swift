import IntercomFullStory
import Logging

/// The one log line an invocation ends with (`"message":"invocation"`): its outcome, status, duration and what
/// it sent. Its fields are built only when the line will be written (this runs on every invocation).
public enum InvocationSummary: Sendable {
    case webhook(WebhookResult, request: WebhookRequestSummary)
    case redelivery(Redelivery.Summary)

    public var level: Logger.Level {
        switch self {
        case .webhook(let result, _):
            // A destination refusing our key needs an operator, whatever the answer was.
            if result.destinations.contains(where: \.refusedCredentials) { return .error }
            switch result.reply.outcome {
            case .fullStoryRefusedCredentials, .fullStoryUnavailable, .pinNotWritten, .destinationUnavailable: return .error
            case .queued: return result.queued?.reason == .fullStoryRefusedCredentials ? .error : .warning
            case .rejectedByFullStory, .rejectedByDestination, .unauthorized, .badRequest, .payloadTooLarge, .appNotAllowed: return .warning
            default: return .info
            }
        case .redelivery(let summary):
            return summary.failed > 0 || summary.rejected > 0 || summary.deadLettered > 0 || summary.pinFailed > 0 || summary.pinRefused > 0 ? .warning : .info
        }
    }

    public func write(to logger: Logger, milliseconds: Double) {
        let level = level
        guard logger.logLevel <= level else { return }
        logger.log(level: level, "invocation", metadata: fields(milliseconds: milliseconds))
    }

    func fields(milliseconds: Double) -> Logger.Metadata {
        switch self {
        case .webhook(let result, let request):
            var fields: Logger.Metadata = [
                "outcome": "\(result.reply.outcome.rawValue)",
                "status": "\(result.reply.response.statusCode)",
                "reason": "\(result.reply.reason)",
                "durationMs": "\(milliseconds)",
            ]
            if let id = request.notificationID { fields["notificationId"] = "\(id)" }
            if let topic = request.topic { fields["topic"] = "\(topic)" }
            if let appID = request.appID { fields["appId"] = "\(appID)" }
            if let report = result.report {
                fields["attempts"] = "\(report.attempts)"
                if let status = report.lastStatus { fields["fullstoryStatus"] = "\(status)" }
                if let event = report.sent.last ?? result.queued?.event {
                    fields["event"] = "\(event.name)"
                    fields["idempotencyKey"] = "\(event.idempotencyKey)"
                    fields["sessionLink"] = "\(event.link.label)"
                }
            }
            if let queued = result.queued {
                fields["messageId"] = "\(queued.messageID)"
                fields["queuedBecause"] = "\(queued.reason.rawValue)"
            }
            if let failure = result.handoffFailure { fields["handoffFailed"] = "\(failure)" }
            // The destination whose answer is the webhook's (FullStory) has the fields above; each other's are named
            // after it.
            for report in result.destinations where report.reply == nil {
                fields[report.destination.rawValue] = "\(report.label)"
                switch report.outcome {
                case .failed(let reason), .rejected(let reason), .skipped(let reason):
                    fields[report.destination.rawValue + "Reason"] = "\(reason)"
                case .queued(let messageID, _):
                    fields[report.destination.rawValue + "MessageId"] = "\(messageID)"
                case .delivered: break
                }
                if let failure = report.handoffFailure { fields[report.destination.rawValue + "HandoffFailed"] = "\(failure)" }
            }
            if let pin = result.pin {
                fields["pin"] = "\(pin.label)"
                if let source = pin.source { fields["pinSource"] = "\(source.rawValue)" }
                if pin.listedSessions { fields["listedSessions"] = "true" }
                if case .noSession(let reason) = pin.outcome { fields["pinReason"] = "\(reason)" }
                if case .queued(let messageID, _) = pin.outcome { fields["pinMessageId"] = "\(messageID)" }
                if let failure = result.pinHandoffFailure { fields["pinHandoffFailed"] = "\(failure)" }
            }
            return fields
        case .redelivery(let summary):
            var fields: Logger.Metadata = [:]
            for destination in Set(summary.destinations.filter { $0.reply == nil }.map(\.destination)) {
                let reports = summary.destinations.filter { $0.destination == destination }
                fields[destination.rawValue] = "\(reports.filter { $0.outcome == .delivered }.count) of \(reports.count) delivered"
            }
            return fields.merging([
                "outcome": "redelivery", "records": "\(summary.records)", "delivered": "\(summary.delivered)",
                "failed": "\(summary.failed)", "rejected": "\(summary.rejected)", "notOurs": "\(summary.notOurs)",
                "deadLettered": "\(summary.deadLettered)", "attempts": "\(summary.fullStoryAttempts)",
                "pinned": "\(summary.pinned)", "pinFailed": "\(summary.pinFailed)", "pinRefused": "\(summary.pinRefused)", "pinsSkipped": "\(summary.pinsSkipped)",
                "durationMs": "\(milliseconds)",
            ]) { first, _ in first }
        }
    }
}
