import CurlHTTP
import SystemClock
import TestSupport
import Testing

/// One retry policy, one loop: what each client's policy decides, and how the loop runs it.
@Suite struct RetryPolicyTests {
    static let policy = RetryPolicy(maximumAttempts: 4, baseMilliseconds: 100, capMilliseconds: 1000)

    @Test func backoffDoublesWithJitterUpToTheCap() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            #expect((50...100).contains(Self.policy.delay(beforeAttempt: 2, using: &generator)))
            #expect((200...400).contains(Self.policy.delay(beforeAttempt: 4, using: &generator)))
            #expect((500...1000).contains(Self.policy.delay(beforeAttempt: 12, using: &generator)))
        }
        let exact = RetryPolicy(maximumAttempts: 7, baseMilliseconds: 1000, capMilliseconds: 30_000, jitter: false)
        #expect((2...7).map { exact.delay(beforeAttempt: $0, using: &generator) } == [1000, 2000, 4000, 8000, 16_000, 30_000])
    }

    @Test func retryAfterCountsAsThePolicySays() {
        var generator = SystemRandomNumberGenerator()
        #expect(Self.policy.delay(beforeAttempt: 2, retryAfterMilliseconds: 3000, using: &generator) == 3000, "the longer")
        #expect((50...100).contains(Self.policy.delay(beforeAttempt: 2, retryAfterMilliseconds: 10, using: &generator)))
        let reset = RetryPolicy(
            maximumAttempts: 7, baseMilliseconds: 1000, capMilliseconds: 30_000, jitter: false, retryAfter: .insteadOfBackoff,
            longestRetryAfterMilliseconds: 60_000)
        #expect(reset.delay(beforeAttempt: 2, retryAfterMilliseconds: 10, using: &generator) == 10, "a reset is exact")
        #expect(reset.delay(beforeAttempt: 2, retryAfterMilliseconds: 600_000, using: &generator) == 60_000, "and capped")
    }

    @Test func itStopsWhenAttemptsTimeOrWillRunOut() {
        var generator = SystemRandomNumberGenerator()
        #expect(Self.policy.next(after: 4, using: &generator) == .stop, "no attempt left")
        #expect(Self.policy.next(after: 1, retryAfterMilliseconds: 5000, remainingMilliseconds: 4000, using: &generator) == .stop)
        #expect(Self.policy.withoutRetries.next(after: 1, using: &generator) == .stop)
        guard case .retry(let wait) = Self.policy.next(after: 1, remainingMilliseconds: 4000, using: &generator) else {
            Issue.record("a retry fits")
            return
        }
        #expect((50...100).contains(wait))
    }

    @Test func theLoopSleepsBetweenFailuresAndStopsWithTheLastOutcome() {
        let time = SteppedTime()
        var attempts: [Int] = []
        let outcome = RetryLoop.run(Self.policy, time: time.source) { (number: Int) -> RetryLoop.Attempt<String> in
            attempts.append(number)
            return .failed("failed \(number)", retryAfterMilliseconds: nil)
        }
        #expect(outcome == "failed 4")
        #expect(attempts == [1, 2, 3, 4])
        #expect(time.sleeps.count == 3)
    }

    @Test func aResendAtOnceUsesAnAttemptButNoWait() {
        let time = SteppedTime()
        var attempts = 0
        let outcome = RetryLoop.run(Self.policy.withoutRetries, time: time.source) { (number: Int) -> RetryLoop.Attempt<String> in
            attempts += 1
            return number == 1 ? .again("session full") : .finished("sent unlinked")
        }
        #expect(outcome == "sent unlinked")
        #expect(attempts == 2)
        #expect(time.sleeps.isEmpty)
    }

    @Test func aWaitThatDoesNotFitTheBudgetIsNotStarted() {
        let time = SteppedTime()
        let outcome = RetryLoop.run(
            Self.policy, time: time.source, remainingMilliseconds: { 120 }, minimumAttemptMilliseconds: 150
        ) { (_: Int) -> RetryLoop.Attempt<Int> in .failed(503, retryAfterMilliseconds: nil) }
        #expect(outcome == 503)
        #expect(time.sleeps.isEmpty)
    }

    /// The decision between attempts, for a caller that drives its own (the concurrent sender): the same as the
    /// loop's, attempt by attempt.
    @Test func eachStepIsTheLoopsDecision() {
        var generator = SystemRandomNumberGenerator()
        func next(_ result: RetryLoop.Attempt<String>, _ number: Int) -> String {
            switch RetryLoop.next(after: result, number: number, policy: Self.policy, using: &generator) {
            case .done(let outcome): "done \(outcome)"
            case .again: "again"
            case .wait(let milliseconds, let outcome): "wait \(milliseconds >= 50 && milliseconds <= 100) after \(outcome)"
            }
        }
        #expect(next(.finished("200"), 1) == "done 200")
        #expect(next(.again("full"), 1) == "again")
        #expect(next(.again("full"), 4) == "done full", "the last attempt's resend is not made")
        #expect(next(.failed("503", retryAfterMilliseconds: nil), 1) == "wait true after 503")
        #expect(next(.failed("503", retryAfterMilliseconds: nil), 4) == "done 503")
    }
}
