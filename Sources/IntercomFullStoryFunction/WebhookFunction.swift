import AWSSQS
import CurlHTTP
import FlatJSON
import IntercomFullStory
import LambdaRuntime
import Logging

/// The Lambda handler. API Gateway events are webhooks: the core's decision, then (for forwarded topics) the
/// contact lookup and the FullStory delivery, handed to the delivery queue when FullStory cannot take it. SQS
/// events come from that queue and are redelivered. One summary log line per invocation.
public final class WebhookFunction: LambdaHandler {
    public static let userAgent = "intercom-fullstory/1.0"

    public let configuration: FunctionConfiguration
    private let core: WebhookHandler
    private let fullStory: FullStoryClient
    private let intercom: IntercomContactClient?
    private let handoff: QueueHandoff?
    /// Only with a delivery queue: without one, every webhook must try FullStory (a 503 is all it can answer).
    private let circuit: CircuitBreaker?
    private let redelivery: Redelivery
    private let logger: Logger
    /// One EMF line per invocation; `nil` outside Lambda (the CLI).
    private let metrics: MetricsPublisher?

    /// The result of one webhook invocation, for the CLI and tests.
    public struct Result: Sendable {
        public var reply: WebhookReply
        public var report: FullStoryClient.Report?
        /// Set when the event went to the delivery queue.
        public var queued: (messageID: String, reason: DeliveryMessage.Reason, event: FullStoryEvent)?
        /// Set when the event should have gone to the delivery queue and SQS did not take it: it now rests on
        /// Intercom's one retry.
        public var handoffFailure: SQSError?
    }

    /// - Parameter canSignAWSRequests: whether the loaded libcurl can sign SQS calls; asked once, only with a
    ///   delivery queue (tests stand in a libcurl without SigV4).
    public init(
        configuration: FunctionConfiguration, logger: Logger, metrics: MetricsPublisher? = nil,
        canSignAWSRequests: () -> Bool = AWSSigV4.isSupportedByLoadedLibcurl
    ) throws(HTTPClientError) {
        self.configuration = configuration
        self.logger = logger
        self.metrics = metrics
        core = WebhookHandler(configuration: configuration.webhook)
        let caBundle = configuration.caBundlePath
        let options = HTTPClient.Options(caBundlePath: caBundle, userAgent: Self.userAgent)
        fullStory = FullStoryClient(
            baseURL: configuration.fullStoryAPIURL, apiKey: configuration.fullStoryAPIKey, http: try HTTPClient(options: options))
        if let token = configuration.intercomAccessToken {
            intercom = IntercomContactClient(
                baseURL: configuration.intercomAPIURL, accessToken: token, http: try HTTPClient(options: options))
        } else {
            intercom = nil
        }
        var queue: (url: SQSQueueURL, client: SQSClient)?
        if let settings = configuration.deliveryQueue {
            // The SQS connection is made on first use: a configured queue costs nothing at start-up.
            queue = (settings.queue, SQSClient(credentials: settings.credentials, options: options))
            circuit = CircuitBreaker(openMilliseconds: settings.circuitOpenMilliseconds)
        } else {
            circuit = nil
        }
        var canSign = true
        if queue != nil, !canSignAWSRequests() {
            // Not an init error: webhooks must still be answered. Every would-be hand-off counts as HandoffFailed.
            canSign = false
            logger.error(
                "this libcurl cannot sign AWS requests (CURLOPT_AWS_SIGV4): nothing can be queued, and events FullStory cannot take now rest on Intercom's one retry. Deploy with a libcurl of 7.75 or later built with AWS signing"
            )
        }
        handoff = queue.map { QueueHandoff(queue: $0.url, client: $0.client, canSign: canSign) }
        redelivery = Redelivery(
            fullStory: fullStory, queue: queue, deadLetterQueue: configuration.deliveryQueue?.deadLetterQueue, circuit: circuit)
        if configuration.acceptsUnsignedRequests {
            logger.warning(
                "INTERCOM_ALLOW_UNSIGNED=true: webhook signatures are NOT verified; anyone can send events. Local testing only."
            )
        }
    }

    /// The metrics line is written before the answer is returned, and so before it is posted.
    public func handle(_ event: [UInt8], context: LambdaContext) throws -> [UInt8] {
        let start = LambdaClock.monotonicNanoseconds()
        // One parse routes the event: SQS records from the delivery queue, or an API Gateway request (the core
        // answers what does not parse).
        let result: Result
        if let document = try? JSONDocument(parsing: event) {
            if let batch = SQSEvent(document.root) {
                return try redeliver(batch, startNanoseconds: start, context: context).encoded()
            }
            result = complete(core.handle(document: document), startNanoseconds: start, context: context)
        } else {
            result = complete(core.handle(event: event), startNanoseconds: start, context: context)
        }
        metrics?.publish(InvocationMetrics(webhook: result))
        return result.reply.response.encoded()
    }

    /// One webhook (an API Gateway event), as `handle` runs it.
    public func invoke(_ event: [UInt8], context: LambdaContext) -> Result {
        let start = LambdaClock.monotonicNanoseconds()
        return complete(core.handle(event: event), startNanoseconds: start, context: context)
    }

    private func complete(
        _ handled: (decision: WebhookDecision, summary: WebhookRequestSummary), startNanoseconds start: UInt64,
        context: LambdaContext
    ) -> Result {
        var logger = self.logger
        logger[metadataKey: "requestId"] = "\(context.requestID)"
        let result: Result
        switch handled.decision {
        case .reply(let reply):
            result = Result(reply: reply, report: nil)
        case .deliver(let draft):
            result = deliver(draft, startNanoseconds: start, context: context, logger: logger)
        }
        logSummary(result, summary: handled.summary, startNanoseconds: start, logger: logger)
        return result
    }

    private func deliver(_ draft: EventDraft, startNanoseconds start: UInt64, context: LambdaContext, logger: Logger) -> Result {
        let budget = DeliveryBudget(
            startNanoseconds: start, remainingLambdaMilliseconds: context.remainingMilliseconds(),
            allowanceMilliseconds: handoff == nil
                ? DeliveryBudget.intercomAllowanceMilliseconds : DeliveryBudget.queuedAllowanceMilliseconds)
        let attribute = lookUpSessionAttribute(draft, budget: budget, logger: logger)
        let event = draft.event(contactSessionAttribute: attribute)
        let report: FullStoryClient.Report
        if let circuit, !circuit.allowsRequest() {
            report = FullStoryClient.Report(
                outcome: .unavailable(reason: "FullStory failed \(CircuitBreaker.failureThreshold) times in a row (circuit open)"),
                attempts: 0, sent: [])
        } else {
            report = fullStory.deliver(event, budget: budget, logger: logger)
            if report.attempts > 0 { circuit?.record(available: !report.outcome.isUnavailable) }
        }
        guard let handoff, let reason = Self.queueReason(report.outcome) else {
            return Result(reply: report.outcome.reply, report: report)
        }
        // The message holds the request as last tried (the unlinked variant after a full session).
        let tried = report.sent.last ?? event
        let message = DeliveryMessage(
            event: tried,
            origin: .init(topic: draft.route.topic, notificationID: draft.notificationID, appID: draft.appID),
            reason: reason, queuedAt: Int(LambdaClock.epochMilliseconds() / 1000))
        switch handoff.handOff(message, invocationStartNanoseconds: start) {
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
            return Result(
                reply: .queued(tried, reason: report.outcome.reply.reason), report: report, queued: (messageID, reason, tried))
        case .failure(let error):
            logger.error(
                "cannot queue the event; Intercom will retry it",
                metadata: ["error": "\(error)", "idempotencyKey": "\(tried.idempotencyKey)"])
            return Result(reply: report.outcome.reply, report: report, handoffFailure: error)
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

    private func redeliver(_ batch: SQSEvent, startNanoseconds start: UInt64, context: LambdaContext) throws
        -> SQSBatchResponse
    {
        var logger = self.logger
        logger[metadataKey: "requestId"] = "\(context.requestID)"
        let response: SQSBatchResponse
        let summary: Redelivery.Summary
        do {
            (response, summary) = try redelivery.process(batch, context: context, logger: logger)
        } catch {
            // The whole batch fails (a record without an id): every record counts as failed.
            var failed = Redelivery.Summary(records: batch.records.count)
            failed.failed = batch.records.count
            metrics?.publish(InvocationMetrics(redelivery: failed))
            throw error
        }
        metrics?.publish(InvocationMetrics(redelivery: summary))
        let level: Logger.Level = summary.failed > 0 || summary.rejected > 0 || summary.deadLettered > 0 ? .warning : .info
        if logger.logLevel <= level {
            logger.log(
                level: level, "invocation",
                metadata: [
                    "outcome": "redelivery", "records": "\(summary.records)", "delivered": "\(summary.delivered)",
                    "failed": "\(summary.failed)", "rejected": "\(summary.rejected)", "notOurs": "\(summary.notOurs)",
                    "deadLettered": "\(summary.deadLettered)",
                    "attempts": "\(summary.fullStoryAttempts)", "durationMs": "\(Self.milliseconds(since: start))",
                ])
        }
        return response
    }

    private static func milliseconds(since start: UInt64) -> Double {
        Double((LambdaClock.monotonicNanoseconds() - start) / 1000) / 1000
    }

    private func logSummary(_ result: Result, summary: WebhookRequestSummary, startNanoseconds: UInt64, logger: Logger) {
        let level: Logger.Level
        switch result.reply.outcome {
        case .fullStoryRefusedCredentials, .fullStoryUnavailable: level = .error
        case .queued: level = result.queued?.reason == .fullStoryRefusedCredentials ? .error : .warning
        case .rejectedByFullStory, .unauthorized, .badRequest, .payloadTooLarge, .appNotAllowed: level = .warning
        default: level = .info
        }
        // The line is built only when it will be written: this runs on every invocation.
        guard logger.logLevel <= level else { return }
        var fields: Logger.Metadata = [
            "outcome": "\(result.reply.outcome.rawValue)",
            "status": "\(result.reply.response.statusCode)",
            "reason": "\(result.reply.reason)",
            "durationMs": "\(Self.milliseconds(since: startNanoseconds))",
        ]
        if let id = summary.notificationID { fields["notificationId"] = "\(id)" }
        if let topic = summary.topic { fields["topic"] = "\(topic)" }
        if let appID = summary.appID { fields["appId"] = "\(appID)" }
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
        logger.log(level: level, "invocation", metadata: fields)
    }
}
