import AWSSQS
import CurlHTTP
import FlatJSON
import IntercomFullStory
import LambdaEvents
import LambdaRuntime
import Logging
import ServiceClients
import SystemClock

/// Routes each Lambda event: SQS records from the delivery queue to `Redelivery`, API Gateway requests to the
/// core's decision and, for forwarded topics, to `WebhookDelivery`. Builds the clients once, at start-up.
/// `InvocationRecorder` runs it in Lambda and writes what each invocation did.
public final class WebhookFunction {
    public let configuration: FunctionConfiguration
    private let core: WebhookHandler
    private let delivery: WebhookDelivery
    private let redelivery: Redelivery
    private let time: TimeSource

    /// - Parameters:
    ///   - logger: for start-up warnings; each invocation logs with its context's logger.
    ///   - time: every clock and sleep of the function (tests move their own).
    ///   - canSignAWSRequests: whether the loaded libcurl can sign SQS calls, for the `ProcessState` made when none is
    ///     given (tests stand in a libcurl without SigV4).
    ///   - shared: what this function shares with the others of its process (`serve`'s workers); a new one when
    ///     it is the only one (Lambda).
    public init(
        configuration: FunctionConfiguration, logger: Logger, time: TimeSource = .system,
        canSignAWSRequests: () -> Bool = AWSSigV4.isSupportedByLoadedLibcurl, shared: ProcessState? = nil
    ) throws(HTTPClientError) {
        let shared = shared ?? ProcessState(configuration: configuration, logger: logger, canSignAWSRequests: canSignAWSRequests)
        self.configuration = configuration
        self.time = time
        core = WebhookHandler(configuration: configuration.webhook)
        let options = configuration.services.httpOptions
        // One connection per service: List Sessions and Create Event share FullStory's, the lookups and the pin's
        // write Intercom's.
        var fullStory: FullStoryClient?
        var sessions: FullStorySessionsClient?
        if let key = configuration.fullStoryAPIKey {
            let fullStoryHTTP = try HTTPClient(options: options)
            fullStory = FullStoryClient(baseURL: configuration.fullStoryAPIURL, apiKey: key, http: fullStoryHTTP, time: time)
            sessions = FullStorySessionsClient(baseURL: configuration.fullStoryAPIURL, apiKey: key, http: fullStoryHTTP)
        }
        // The destinations beside FullStory, each with a connection of its own.
        var others: [any Destination] = []
        if let settings = configuration.abSmartly {
            let client = ABsmartlyClient(
                collectorURL: settings.collectorURL, apiKey: settings.apiKey, application: settings.application,
                environment: settings.environment, http: try HTTPClient(options: options), time: time)
            others.append(ABsmartlyDestination(client: client, unitType: settings.unitType, time: time, causes: shared.collectorCauses))
        }
        let intercomAPI = try configuration.intercomAccessToken.map { token throws(HTTPClientError) in
            IntercomAPI(baseURL: configuration.intercomAPIURL, accessToken: token, http: try HTTPClient(options: options))
        }
        let intercom = intercomAPI.map(IntercomContactClient.init(api:))
        var pinner: SessionPinner?
        if configuration.pinsSessions, let intercomAPI {
            pinner = SessionPinner(
                attribute: configuration.webhook.sessionAttribute, conversations: IntercomConversationClient(api: intercomAPI),
                sessions: sessions,
                orgID: configuration.fullStoryOrgID, fullStoryAPIURL: configuration.fullStoryAPIURL, refusals: shared.pinRefusals)
        }
        // The SQS connection is made on first use: a configured queue costs nothing at start-up.
        let queue = configuration.deliveryQueue.map { (url: $0.queue, client: SQSClient(credentials: $0.credentials, options: options)) }
        let circuit = shared.circuit
        let canSign = shared.canSignAWSRequests
        // FullStory first: its answer is the webhook's.
        var destinations: [any Destination] = fullStory.map { [FullStoryDestination(client: $0, circuit: circuit, time: time)] } ?? []
        destinations += others
        delivery = WebhookDelivery(
            destinations: destinations, intercom: intercom, pinner: pinner,
            handoff: queue.map { QueueHandoff(queue: $0.url, client: $0.client, canSign: canSign) },
            sessionAttribute: configuration.webhook.sessionAttribute, time: time)
        redelivery = Redelivery(
            destinations: destinations, pinner: pinner, queue: queue, deadLetterQueue: configuration.deliveryQueue?.deadLetterQueue, time: time)
        if configuration.acceptsUnsignedRequests {
            logger.warning(
                "INTERCOM_ALLOW_UNSIGNED=true: webhook signatures are NOT verified; anyone can send events. Local testing only."
            )
        }
    }

    /// One invocation: one parse tells SQS records from the delivery queue from an API Gateway request (the core
    /// answers what does not parse).
    public func route(_ event: [UInt8], context: LambdaContext) -> InvocationRecord {
        route(event, context: context, startNanoseconds: time.monotonicNanoseconds())
    }

    /// The same, for a webhook that arrived at `start` (this function's monotonic clock): its budget counts from
    /// then (`serve`, whose request may wait for a worker).
    public func route(_ event: [UInt8], context: LambdaContext, startNanoseconds start: UInt64) -> InvocationRecord {
        guard let document = try? JSONDocument(parsing: event) else {
            return webhookRecord(core.handle(event: event), startNanoseconds: start, context: context)
        }
        if let batch = SQSEvent(document.root) { return redeliveryRecord(batch, context: context) }
        return webhookRecord(core.handle(document: document), startNanoseconds: start, context: context)
    }

    /// One webhook (an API Gateway event), for the CLI and tests: what it came to, and its summary line.
    public func invoke(_ event: [UInt8], context: LambdaContext) -> (result: WebhookResult, summary: InvocationSummary) {
        let start = time.monotonicNanoseconds()
        let handled = core.handle(event: event)
        let result = webhook(handled.decision, startNanoseconds: start, context: context)
        return (result, .webhook(result, request: handled.summary))
    }

    private func webhook(_ decision: WebhookDecision, startNanoseconds start: UInt64, context: LambdaContext) -> WebhookResult {
        switch decision {
        case .reply(let reply): WebhookResult(reply: reply)
        case .deliver(let draft): delivery.deliver(draft, startNanoseconds: start, context: context)
        }
    }

    private func webhookRecord(
        _ handled: (decision: WebhookDecision, summary: WebhookRequestSummary), startNanoseconds start: UInt64,
        context: LambdaContext
    ) -> InvocationRecord {
        let result = webhook(handled.decision, startNanoseconds: start, context: context)
        return InvocationRecord(
            response: .success(result.reply.response.encoded()), metrics: InvocationMetrics(webhook: result),
            summary: .webhook(result, request: handled.summary))
    }

    private func redeliveryRecord(_ batch: SQSEvent, context: LambdaContext) -> InvocationRecord {
        do {
            let (response, summary) = try redelivery.process(batch, context: context)
            return InvocationRecord(
                response: .success(response.encoded()), metrics: InvocationMetrics(redelivery: summary), summary: .redelivery(summary))
        } catch {
            // The whole batch fails (a record without an id): every record counts as failed.
            var failed = Redelivery.Summary(records: batch.records.count)
            failed.failed = batch.records.count
            return InvocationRecord(response: .failure(error), metrics: InvocationMetrics(redelivery: failed), summary: .redelivery(failed))
        }
    }
}
