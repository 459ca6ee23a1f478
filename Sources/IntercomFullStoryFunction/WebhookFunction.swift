import CurlHTTP
import IntercomFullStory
import LambdaRuntime
import Logging

/// The Lambda handler: the core's decision, then (for forwarded topics) the contact lookup and the FullStory
/// delivery, and one summary log line per invocation.
public final class WebhookFunction: LambdaHandler {
    public static let userAgent = "intercom-fullstory/1.0"

    public let configuration: FunctionConfiguration
    private let core: WebhookHandler
    private let fullStory: FullStoryClient
    private let intercom: IntercomContactClient?
    private let logger: Logger

    /// The result of one invocation, for the CLI and tests.
    public struct Result: Sendable {
        public var reply: WebhookReply
        public var report: FullStoryClient.Report?
    }

    public init(configuration: FunctionConfiguration, logger: Logger) throws(HTTPClientError) {
        self.configuration = configuration
        self.logger = logger
        core = WebhookHandler(configuration: configuration.webhook)
        let caBundle = configuration.caBundlePath
        fullStory = FullStoryClient(
            baseURL: configuration.fullStoryAPIURL, apiKey: configuration.fullStoryAPIKey,
            http: try HTTPClient(options: .init(caBundlePath: caBundle, userAgent: Self.userAgent)))
        if let token = configuration.intercomAccessToken {
            intercom = IntercomContactClient(
                baseURL: configuration.intercomAPIURL, accessToken: token,
                http: try HTTPClient(options: .init(caBundlePath: caBundle, userAgent: Self.userAgent)))
        } else {
            intercom = nil
        }
        if configuration.acceptsUnsignedRequests {
            logger.warning(
                "INTERCOM_ALLOW_UNSIGNED=true: webhook signatures are NOT verified; anyone can send events. Local testing only."
            )
        }
    }

    public func handle(_ event: [UInt8], context: LambdaContext) throws -> [UInt8] {
        invoke(event, context: context).reply.response.encoded()
    }

    public func invoke(_ event: [UInt8], context: LambdaContext) -> Result {
        let start = LambdaClock.monotonicNanoseconds()
        var logger = self.logger
        logger[metadataKey: "requestId"] = "\(context.requestID)"
        let (decision, summary) = core.handle(event: event)
        let result: Result
        switch decision {
        case .reply(let reply):
            result = Result(reply: reply, report: nil)
        case .deliver(let draft):
            let budget = DeliveryBudget(startNanoseconds: start, remainingLambdaMilliseconds: context.remainingMilliseconds())
            let attribute = lookUpSessionAttribute(draft, budget: budget, logger: logger)
            let report = fullStory.deliver(draft.event(contactSessionAttribute: attribute), budget: budget, logger: logger)
            result = Result(reply: report.outcome.reply, report: report)
        }
        logSummary(result, summary: summary, startNanoseconds: start, logger: logger)
        return result
    }

    /// A failed or slow lookup never fails the delivery: the payload's `external_id` is the fallback.
    private func lookUpSessionAttribute(_ draft: EventDraft, budget: DeliveryBudget, logger: Logger) -> String? {
        guard draft.wantsContactLookup, let intercom, let contactID = draft.contactID else { return nil }
        do {
            return try intercom.sessionAttribute(
                contactID: contactID, attribute: configuration.webhook.sessionAttribute, budget: budget)
        } catch {
            logger.warning(
                "contact lookup failed; linking by external_id if present",
                metadata: ["contactId": "\(contactID)", "error": "\(error)"])
            return nil
        }
    }

    private func logSummary(_ result: Result, summary: WebhookRequestSummary, startNanoseconds: UInt64, logger: Logger) {
        let level: Logger.Level
        switch result.reply.outcome {
        case .fullStoryRefusedCredentials, .fullStoryUnavailable: level = .error
        case .rejectedByFullStory, .unauthorized, .badRequest, .payloadTooLarge: level = .warning
        default: level = .info
        }
        // The line is built only when it will be written: this runs on every invocation.
        guard logger.logLevel <= level else { return }
        var fields: Logger.Metadata = [
            "outcome": "\(result.reply.outcome.rawValue)",
            "status": "\(result.reply.response.statusCode)",
            "reason": "\(result.reply.reason)",
            "durationMs": "\(Double((LambdaClock.monotonicNanoseconds() - startNanoseconds) / 1000) / 1000)",
        ]
        if let id = summary.notificationID { fields["notificationId"] = "\(id)" }
        if let topic = summary.topic { fields["topic"] = "\(topic)" }
        if let report = result.report {
            fields["attempts"] = "\(report.attempts)"
            if let status = report.lastStatus { fields["fullstoryStatus"] = "\(status)" }
            if let event = report.sent.last {
                fields["event"] = "\(event.name)"
                fields["idempotencyKey"] = "\(event.idempotencyKey)"
                fields["sessionLink"] = "\(event.link.label)"
            }
        }
        logger.log(level: level, "invocation", metadata: fields)
    }
}
