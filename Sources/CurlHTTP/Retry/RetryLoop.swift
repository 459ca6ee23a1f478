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

    /// What follows an attempt, as the policy says.
    public enum Next<Outcome> {
        /// No further attempt: this is the last outcome.
        case done(Outcome)
        /// Another attempt at once (the unlinked resend), within the attempts left.
        case again
        /// Another attempt after this wait, following this outcome.
        case wait(milliseconds: Int, after: Outcome)
    }

    /// What follows attempt `number`'s `result` under `policy`: the decision `run` makes between attempts, for a
    /// caller that drives its own attempts (the concurrent sender, whose transfers are not one loop). The time left
    /// is asked for only after a failure.
    @inlinable
    public static func next<Outcome>(
        after result: Attempt<Outcome>, number: Int, policy: RetryPolicy, remainingMilliseconds: () -> Int? = { nil },
        minimumAttemptMilliseconds: Int = 0, using generator: inout some RandomNumberGenerator
    ) -> Next<Outcome> {
        switch result {
        case .finished(let outcome):
            return .done(outcome)
        case .again(let outcome):
            return number < policy.maximumAttempts ? .again : .done(outcome)
        case .failed(let outcome, let retryAfter):
            let step = policy.next(
                after: number, retryAfterMilliseconds: retryAfter, remainingMilliseconds: remainingMilliseconds(),
                minimumAttemptMilliseconds: minimumAttemptMilliseconds, using: &generator)
            guard case .retry(let wait) = step else { return .done(outcome) }
            return .wait(milliseconds: wait, after: outcome)
        }
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
            let result = try attempt(number)
            switch next(
                after: result, number: number, policy: policy, remainingMilliseconds: remainingMilliseconds,
                minimumAttemptMilliseconds: minimumAttemptMilliseconds, using: &generator)
            {
            case .done(let outcome):
                return outcome
            case .again:
                break
            case .wait(let milliseconds, let outcome):
                willWait(outcome, milliseconds)
                time.sleep(milliseconds)
            }
            number += 1
        }
    }
}
