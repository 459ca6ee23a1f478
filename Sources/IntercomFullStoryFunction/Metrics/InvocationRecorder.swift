import LambdaRuntime
import SystemClock

/// The Lambda handler: runs `WebhookFunction` for each invocation and writes, here and nowhere else, its one
/// metrics line (before the answer is posted) and its one summary log line, with the request's logger from the
/// context.
public final class InvocationRecorder: LambdaHandler {
    private let function: WebhookFunction
    /// One EMF line per invocation; `nil` outside Lambda.
    private let metrics: MetricsPublisher?
    private let time: TimeSource

    public init(function: WebhookFunction, metrics: MetricsPublisher?, time: TimeSource = .system) {
        self.function = function
        self.metrics = metrics
        self.time = time
    }

    public func handle(_ event: [UInt8], context: LambdaContext) throws -> [UInt8] {
        let start = time.monotonicNanoseconds()
        let record = function.route(event, context: context)
        metrics?.publish(record.metrics)
        record.summary.write(to: context.logger, milliseconds: time.milliseconds(since: start))
        return try record.response.get()
    }
}
