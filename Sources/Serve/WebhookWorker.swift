import IntercomFullStoryFunction
import LambdaRuntime
import Logging
import SystemClock

/// One worker's delivery stack: a `WebhookFunction` of its own (its own libcurl handles and connections), run on
/// one pool thread at a time. What the workers share (the circuit, the once-per-cause logs) is in the
/// `ProcessState` they were made with.
final class WebhookWorker: @unchecked Sendable {
    // @unchecked: a worker is handed to one thread at a time by `WorkerPool`, which is what makes its
    // non-thread-safe function (libcurl handles) safe to use from the pool's threads.
    private let function: WebhookFunction
    private let logger: Logger
    private let time: TimeSource

    init(function: WebhookFunction, logger: Logger, time: TimeSource) {
        self.function = function
        self.logger = logger
        self.time = time
    }

    /// Runs `event` through the function as Lambda's loop would, and writes its one summary line. The budget
    /// counts from `arrival`, and the request ends by Intercom's timeout after it.
    func handle(_ event: [UInt8], requestID: String, arrival: Arrival) -> InvocationRecord {
        var requestLogger = logger
        requestLogger[metadataKey: "requestId"] = "\(requestID)"
        let context = LambdaContext(
            requestID: requestID, deadlineEpochMilliseconds: arrival.deadlineEpochMilliseconds, logger: requestLogger)
        let record = function.route(event, context: context, startNanoseconds: arrival.monotonicNanoseconds)
        record.summary.write(to: requestLogger, milliseconds: time.milliseconds(since: arrival.monotonicNanoseconds))
        return record
    }
}

/// When a request arrived, on both clocks.
struct Arrival: Sendable {
    var monotonicNanoseconds: UInt64
    /// Intercom's timeout after arrival: the budget's hard end, as Lambda's deadline is in Lambda.
    var deadlineEpochMilliseconds: Int64

    init(time: TimeSource, timeoutMilliseconds: Int) {
        monotonicNanoseconds = time.monotonicNanoseconds()
        deadlineEpochMilliseconds = time.epochMilliseconds() + Int64(timeoutMilliseconds)
    }
}
