/// Stops webhooks from each waiting for a FullStory that keeps failing: after `failureThreshold` unavailable
/// outcomes in a row (in this process), requests are refused for `openMilliseconds`; then the next one probes
/// FullStory again. A failed probe opens it again at once, a success closes it. Lambda sends one invocation at a
/// time; `serve`'s workers share one circuit, hence the lock (uncontended in Lambda).
public final class CircuitBreaker: @unchecked Sendable {
    // @unchecked: its state is read and written under `lock` alone.
    public static let failureThreshold = 3
    public static let defaultOpenMilliseconds = 30_000

    public enum State: String, Sendable {
        case closed, open
        /// The open period is over: the next request is the probe.
        case probing
    }

    public let openMilliseconds: Int
    private let lock = ProcessLock()
    private var consecutiveFailures = 0
    /// Monotonic nanoseconds until which requests are refused.
    private var openUntil: UInt64?

    public init(openMilliseconds: Int = CircuitBreaker.defaultOpenMilliseconds) {
        self.openMilliseconds = openMilliseconds
    }

    public func state(now: UInt64) -> State {
        guard let openUntil = lock.withLock({ openUntil }) else { return .closed }
        return now < openUntil ? .open : .probing
    }

    /// Whether FullStory may be called now.
    public func allowsRequest(now: UInt64) -> Bool { state(now: now) != .open }

    /// Records the outcome of a call to FullStory: `available` is false for 429, 5xx and transport failures.
    public func record(available: Bool, now: UInt64) {
        lock.withLock {
            guard !available else {
                consecutiveFailures = 0
                openUntil = nil
                return
            }
            consecutiveFailures += 1
            if consecutiveFailures >= Self.failureThreshold {
                openUntil = now + UInt64(openMilliseconds) * 1_000_000
            }
        }
    }
}
