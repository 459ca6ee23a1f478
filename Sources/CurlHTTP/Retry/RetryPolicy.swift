/// How a client tries again a request that may succeed later (429, 5xx, a dropped connection): how many attempts,
/// the backoff between them, how a server's `Retry-After` counts, and whether such failures are retried at all.
/// Each client names its policy as a value; `next(after:…)` is the one decision, which `RetryLoop` runs for the
/// blocking clients and `CreateEventSender` for the concurrent one.
public struct RetryPolicy: Sendable, Equatable {
    /// What a server's `Retry-After` (or rate-limit reset) does to the wait.
    public enum RetryAfterRule: Sendable, Equatable {
        /// The longer of it and the backoff.
        case atLeastBackoff
        /// It alone (a rate-limit window's reset is exact).
        case insteadOfBackoff
    }

    public enum Step: Sendable, Equatable {
        case retry(afterMilliseconds: Int)
        case stop
    }

    /// Attempts in all, the first included.
    public var maximumAttempts: Int
    /// The ceiling before the second attempt; it doubles up to `capMilliseconds`.
    public var baseMilliseconds: Int
    public var capMilliseconds: Int
    /// With jitter the wait is uniform in [ceiling/2, ceiling] (so that clients that failed together do not
    /// come back together); without, it is the ceiling.
    public var jitter: Bool
    public var retryAfter: RetryAfterRule
    /// A longer `Retry-After` is cut to this; `nil` follows it (a time budget still bounds the wait).
    public var longestRetryAfterMilliseconds: Int?
    /// False: failures are not tried again here (redelivery, where the queue is the retry).
    public var retriesFailures: Bool

    public init(
        maximumAttempts: Int, baseMilliseconds: Int, capMilliseconds: Int, jitter: Bool = true,
        retryAfter: RetryAfterRule = .atLeastBackoff, longestRetryAfterMilliseconds: Int? = nil, retriesFailures: Bool = true
    ) {
        self.maximumAttempts = maximumAttempts
        self.baseMilliseconds = baseMilliseconds
        self.capMilliseconds = capMilliseconds
        self.jitter = jitter
        self.retryAfter = retryAfter
        self.longestRetryAfterMilliseconds = longestRetryAfterMilliseconds
        self.retriesFailures = retriesFailures
    }

    /// The same, with failures not retried.
    public var withoutRetries: RetryPolicy {
        var policy = self
        policy.retriesFailures = false
        return policy
    }

    /// The wait before attempt `attempt` (2, 3, …).
    @inlinable
    public func delay(
        beforeAttempt attempt: Int, retryAfterMilliseconds: Int? = nil, using generator: inout some RandomNumberGenerator
    ) -> Int {
        let exponent = min(max(attempt - 2, 0), 16)
        let ceiling = min(capMilliseconds, baseMilliseconds << exponent)
        let backoff = jitter ? Int.random(in: (ceiling / 2)...max(ceiling / 2, ceiling), using: &generator) : ceiling
        guard let retryAfterMilliseconds else { return backoff }
        let server = longestRetryAfterMilliseconds.map { min(retryAfterMilliseconds, $0) } ?? retryAfterMilliseconds
        switch retryAfter {
        case .atLeastBackoff: return max(backoff, server)
        case .insteadOfBackoff: return max(0, server)
        }
    }

    /// After attempt `attempt` failed in a way worth retrying: wait and try again, or stop (failures are not
    /// retried, no attempt is left, or the wait and a useful attempt of `minimumAttemptMilliseconds` do not fit
    /// in `remainingMilliseconds`).
    @inlinable
    public func next(
        after attempt: Int, retryAfterMilliseconds: Int? = nil, remainingMilliseconds: Int? = nil,
        minimumAttemptMilliseconds: Int = 0, using generator: inout some RandomNumberGenerator
    ) -> Step {
        guard retriesFailures, attempt < maximumAttempts else { return .stop }
        let wait = delay(beforeAttempt: attempt + 1, retryAfterMilliseconds: retryAfterMilliseconds, using: &generator)
        if let remainingMilliseconds, wait + minimumAttemptMilliseconds > remainingMilliseconds { return .stop }
        return .retry(afterMilliseconds: wait)
    }
}
