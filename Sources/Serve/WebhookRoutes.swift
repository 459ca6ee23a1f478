import Budget
import HTTPTypes
import Hummingbird
import IntercomFullStory
import IntercomFullStoryFunction
import LambdaEvents
import Logging
import NIOCore
import ProductVersion
import SystemClock

/// The server's routes: `/intercom` (any method, answered by the function as in Lambda: POST a webhook, HEAD and
/// GET Intercom's URL check, others 405), `GET /healthz` and `GET /metrics`; anything else 404.
struct WebhookRoutes: Sendable {
    let pool: WorkerPool<WebhookWorker>
    let metrics: ServeMetrics
    let maximumBodySize: Int
    let admissionMilliseconds: Int
    let logger: Logger
    let time: TimeSource
    /// A body over the limit is read and thrown away up to this much, so that the client, which sends it all before
    /// it reads, sees the 413; past it the connection is closed.
    static let discardLimit = 8 << 20
    static let webhookPath = "/intercom"

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        // Every method reaches the function, which answers POST, HEAD and GET, and 405 to the rest, as in Lambda.
        for method in [HTTPRequest.Method.post, .head, .get, .put, .delete, .patch, .options, .trace, .connect] {
            router.on(RouterPath(Self.webhookPath), method: method) { request, _ in await webhook(request) }
        }
        // Open to whoever reaches the server (the tunnel's URL too): they tell nothing secret.
        router.get("/healthz") { _, _ in
            HTTPExchange.response(APIGatewayResponse.json(200, [("status", "ok"), ("version", ProductVersion.number)]))
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.text())))
        }
        return router
    }

    /// One webhook: its body read (within the limit and the budget), the worker's function on it, the function's answer.
    func webhook(_ request: Request) async -> Response {
        let arrival = Arrival(time: time, timeoutMilliseconds: TimeBudget.intercomTimeoutMilliseconds)
        // A request's own id (its log line, the event's requestContext.requestId): a UUID of random bits.
        let requestID = IdempotencyKey.uuid5(["serve", "\(UInt64.random(in: .min ... .max))", "\(UInt64.random(in: .min ... .max))"])
        var requestLogger = logger
        requestLogger[metadataKey: "requestId"] = "\(requestID)"
        let response: Response
        switch await RequestBodyReader.read(
            request.body, declaredLength: request.headers[.contentLength].flatMap { Int($0) }, limit: maximumBodySize,
            discardLimit: Self.discardLimit, withinMilliseconds: TimeBudget.webhookMilliseconds)
        {
        case .tooLarge:
            // Answered as the function answers it, with its log line and count.
            let result = WebhookResult(reply: .payloadTooLarge(limit: maximumBodySize))
            InvocationSummary.webhook(result, request: WebhookRequestSummary(requestID: requestID, method: request.method.rawValue))
                .write(to: requestLogger, milliseconds: time.milliseconds(since: arrival.monotonicNanoseconds))
            metrics.record(InvocationMetrics(webhook: result))
            response = HTTPExchange.response(result.reply.response)
        case .timedOut:
            requestLogger.warning("request refused: its body did not arrive in time")
            response = HTTPExchange.response(APIGatewayResponse.json(408, [("error", "the request's body did not arrive in time")]))
        case .failed:
            requestLogger.warning("request dropped: its body could not be read")
            response = HTTPExchange.response(APIGatewayResponse.json(400, [("error", "the request's body could not be read")]))
        case .read(let body):
            response = await deliver(request, body: body, requestID: requestID, arrival: arrival, logger: requestLogger)
        }
        metrics.requestFinished(status: response.status.code, seconds: time.milliseconds(since: arrival.monotonicNanoseconds) / 1000)
        return response
    }

    private func deliver(_ request: Request, body: [UInt8], requestID: String, arrival: Arrival, logger: Logger) async -> Response {
        let event = HTTPExchange.event(
            method: request.method.rawValue, path: request.uri.path, headers: request.headers, body: body, requestID: requestID)
        switch await pool.run(waitingAtMost: admissionMilliseconds, { worker in worker.handle(event, requestID: requestID, arrival: arrival) }) {
        case .ran(let record):
            metrics.record(record.metrics)
            return (try? record.response.get()).map(HTTPExchange.response)
                ?? HTTPExchange.response(APIGatewayResponse.json(500, [("error", "internal error")]))
        case .busy:
            metrics.refusedBusy()
            logger.warning("request refused: every worker busy", metadata: ["workers": "\(pool.size)"])
            return HTTPExchange.response(
                APIGatewayResponse.json(503, [("error", "every worker is busy; retry later")], headers: [("Retry-After", "1")]))
        case .stopped:
            logger.warning("request refused: the server is stopping")
            return HTTPExchange.response(APIGatewayResponse.json(503, [("error", "the server is stopping; retry later")]))
        }
    }
}
