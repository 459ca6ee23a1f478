import CurlHTTP
import SystemClock

extension TimeBudget {
    /// A destination's tries within this budget: `policy`'s (one without `retrying`: redelivery, whose queue retries
    /// later), each with a timeout of at most `cappedAt`, none started with less than `minimumAttemptMilliseconds`
    /// left, waiting on the budget's clock. `attempt` gets its timeout; `current` is the outcome so far, returned when
    /// no try fits any more.
    @inlinable
    public func attempts<Outcome>(
        _ policy: RetryPolicy, retrying: Bool, cappedAt cap: Int, current: () -> Outcome,
        _ attempt: (_ timeoutMilliseconds: Int) -> RetryLoop.Attempt<Outcome>
    ) -> Outcome {
        RetryLoop.run(
            retrying ? policy : policy.withoutRetries, time: time, remainingMilliseconds: { remainingMilliseconds() },
            minimumAttemptMilliseconds: TimeBudget.minimumAttemptMilliseconds
        ) { _ in
            guard let timeout = timeout(cappedAt: cap, minimum: TimeBudget.minimumAttemptMilliseconds) else { return .finished(current()) }
            return attempt(timeout)
        }
    }
}
