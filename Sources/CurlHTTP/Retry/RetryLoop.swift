import SystemClock

/// The attempt loop of the blocking clients (FullStory's Create Event, the batch import, Intercom's search),
/// driven by their `RetryPolicy`: each attempt says whether it finished, failed in a way worth retrying, or
/// asks to go again at once (the unlinked resend after a full session, which is no failure but uses an attempt).
public enum RetryLoop {
    public enum Attempt<Outcome> {
        case finished(Outcome)
        /// Worth another attempt; the server's `Retry-After` (or rate-limit reset) in milliseconds, if it gave one.
        case failed(Outcome, retryAfterMilliseconds: Int?)
        /// Again at once, within the attempts left.
        case again(Outcome)
    }

    /// Runs `attempt` (numbered from 1) until it finishes, or the policy stops it; the last outcome.
    /// - Parameters:
    ///   - remainingMilliseconds: the time left for waiting and trying (`nil`: no time budget).
    ///   - minimumAttemptMilliseconds: an attempt with less time than this is not worth starting.
    ///   - willWait: told of each wait before it starts (for logs and progress notes).
    @inlinable
    public static func run<Outcome, Failure: Error>(
        _ policy: RetryPolicy, time: TimeSource = .system, remainingMilliseconds: () -> Int? = { nil },
        minimumAttemptMilliseconds: Int = 0, willWait: (_ after: Outcome, _ milliseconds: Int) -> Void = { _, _ in },
        _ attempt: (_ number: Int) throws(Failure) -> Attempt<Outcome>
    ) throws(Failure) -> Outcome {
        var generator = SystemRandomNumberGenerator()
        var number = 1
        while true {
            switch try attempt(number) {
            case .finished(let outcome):
                return outcome
            case .again(let outcome):
                guard number < policy.maximumAttempts else { return outcome }
            case .failed(let outcome, let retryAfter):
                let step = policy.next(
                    after: number, retryAfterMilliseconds: retryAfter, remainingMilliseconds: remainingMilliseconds(),
                    minimumAttemptMilliseconds: minimumAttemptMilliseconds, using: &generator)
                guard case .retry(let wait) = step else { return outcome }
                willWait(outcome, wait)
                time.sleep(wait)
            }
            number += 1
        }
    }
}
