import Budget
import IntercomFullStoryFunction
import LambdaRuntime
import SystemClock
import TestSupport
import Testing

/// The time allowances keep their promises: Intercom gets its answer in time, nothing runs into Lambda's
/// deadline, and a redelivery batch fits the function's timeout in template.yaml.
@Suite struct TimeBudgetTests {
    let template = TemplateText()

    @Test func aWebhookIsAnsweredWithinIntercomsTimeout() {
        // Without a queue: the work ends by 4 s, leaving a second of Intercom's 5 for API Gateway and a cold start.
        #expect(TimeBudget.webhookMilliseconds + 1000 <= TimeBudget.intercomTimeoutMilliseconds)
        // With one: FullStory's share, then the hand-off, all by 2.9 s, so the answer comes within 3 s.
        #expect(TimeBudget.queuedWebhookMilliseconds < TimeBudget.handoffDeadlineMilliseconds)
        #expect(
            TimeBudget.queuedWebhookMilliseconds + TimeBudget.handoffCallMilliseconds <= TimeBudget.handoffDeadlineMilliseconds)
        #expect(TimeBudget.handoffDeadlineMilliseconds + 100 <= 3000)
        // The contact lookup leaves FullStory at least one whole attempt.
        #expect(TimeBudget.contactLookupMilliseconds < TimeBudget.queuedWebhookMilliseconds)
        #expect(TimeBudget.fullStoryAttemptMilliseconds <= TimeBudget.queuedWebhookMilliseconds)
    }

    @Test func aRedeliveryBatchFitsTheFunctionsTimeout() throws {
        let timeout = try #require(template.values(of: "Timeout").first.flatMap { Int($0) }) * 1000
        let batchSize = try #require(template.values(of: "BatchSize").first.flatMap { Int($0) })
        #expect(batchSize * TimeBudget.recordMilliseconds + TimeBudget.batchReserveMilliseconds <= timeout)
        // The closing calls fit in the batch's reserve, with the answer's reserve kept.
        #expect(TimeBudget.batchCallMilliseconds + TimeBudget.answerReserveMilliseconds <= TimeBudget.batchReserveMilliseconds)
        // A webhook never waits on the function's timeout: its own budget is far shorter.
        #expect(TimeBudget.webhookMilliseconds < timeout)
    }

    @Test func aBudgetEndsBeforeLambdasDeadlineAndItsOwnAllowance() {
        let time = SteppedTime(frozen: true)
        let now = time.source.monotonicNanoseconds()
        let soon = LambdaContext(requestID: "r", deadlineEpochMilliseconds: time.source.epochMilliseconds() + 1000)
        let webhook = TimeBudget.webhook(startNanoseconds: now, context: soon, queued: false, time: time.source)
        #expect(webhook.remainingMilliseconds() == 700, "the deadline less the answer's reserve")
        let far = LambdaContext(requestID: "r", deadlineEpochMilliseconds: time.source.epochMilliseconds() + 60_000)
        let queued = TimeBudget.webhook(startNanoseconds: now, context: far, queued: true, time: time.source)
        #expect(queued.remainingMilliseconds() == 2000)
        time.advance(milliseconds: 1950)
        #expect(queued.timeout(cappedAt: 900) == nil, "under 100 ms left: no call")
        #expect(queued.remainingMilliseconds() == 50)
    }

    @Test func callsTakeTheirShare() {
        let time = SteppedTime(frozen: true)
        let budget = TimeBudget(
            startNanoseconds: time.source.monotonicNanoseconds(), allowanceMilliseconds: 2000,
            context: LambdaContext(requestID: "r", deadlineEpochMilliseconds: nil), time: time.source)
        #expect(budget.timeout(cappedAt: TimeBudget.contactLookupMilliseconds) == 1500)
        #expect(budget.timeout(cappedAt: TimeBudget.contactLookupMilliseconds, halfAtMost: true) == 1000)
        time.advance(milliseconds: 1890)
        #expect(budget.timeout(cappedAt: 2000, minimum: TimeBudget.minimumAttemptMilliseconds) == nil)
    }

    @Test func pinningKeepsTheWebhooksPromises() {
        // The write ends early enough that a failed one is still handed off by the hand-off's deadline.
        #expect(
            TimeBudget.queuedWebhookMilliseconds + TimeBudget.handoffCallMilliseconds <= TimeBudget.handoffDeadlineMilliseconds)
        let time = SteppedTime(frozen: true)
        let start = time.source.monotonicNanoseconds()
        let context = LambdaContext(requestID: "r", deadlineEpochMilliseconds: time.source.epochMilliseconds() + 60_000)
        // The pin's write is within the webhook's budget: by 2 s with a queue, 4 s without.
        #expect(TimeBudget.webhook(startNanoseconds: start, context: context, queued: true, time: time.source).remainingMilliseconds() == 2000)
        #expect(TimeBudget.webhook(startNanoseconds: start, context: context, queued: false, time: time.source).remainingMilliseconds() == 4000)
        // The lookups (contact, List Sessions, a retry's read) share one part: at most 1.5 s and half of what is left.
        let webhook = TimeBudget.webhook(startNanoseconds: start, context: context, queued: false, time: time.source)
        #expect(webhook.lookupShare().remainingMilliseconds() == 1500)
        let queued = TimeBudget.webhook(startNanoseconds: start, context: context, queued: true, time: time.source)
        #expect(queued.lookupShare().remainingMilliseconds() == 1000)
        let share = queued.lookupShare()
        time.advance(milliseconds: 600)
        #expect(share.remainingMilliseconds() == 400, "one share for every lookup, counted from when it was cut")
        // A redelivered pin's write, and the read before it, fit a record's time.
        #expect(
            TimeBudget.redeliveredPinCallMilliseconds + TimeBudget.contactLookupMilliseconds <= TimeBudget.recordFullStoryMilliseconds + 500)
    }

    @Test func destinationsShareWhatIsLeft() {
        let time = SteppedTime(frozen: true)
        let budget = TimeBudget(
            startNanoseconds: time.source.monotonicNanoseconds(), allowanceMilliseconds: 2000,
            context: LambdaContext(requestID: "r", deadlineEpochMilliseconds: nil), time: time.source)
        #expect(budget.share(of: 1).remainingMilliseconds() == 2000)
        #expect(budget.share(of: 2).remainingMilliseconds() == 1000)
        // The first took only 200 ms: the second has the rest, not a fixed half.
        time.advance(milliseconds: 200)
        #expect(budget.share(of: 1).remainingMilliseconds() == 1800)
        time.advance(milliseconds: 2000)
        #expect(budget.share(of: 2).remainingMilliseconds() == 0)
    }

    @Test func aBatchWithoutADeadlineTakesTenSeconds() {
        let time = SteppedTime(frozen: true)
        let batch = TimeBudget.batch(
            startNanoseconds: time.source.monotonicNanoseconds(), context: LambdaContext(requestID: "r", deadlineEpochMilliseconds: nil),
            time: time.source)
        #expect(batch.remainingMilliseconds() == 10_000)
        #expect(batch.record().remainingMilliseconds() == 4000, "a record's share")
    }

    /// The Runtime API's deadline is a number in a header: one far past the epoch's range (or far before it) gives a
    /// budget of at most a day, or none, rather than overflowing.
    @Test func anAbsurdDeadlineNeitherOverflowsNorLastsPastADay() {
        let time = SteppedTime(frozen: true)
        let now = time.source.monotonicNanoseconds()
        let farFuture = LambdaContext(requestID: "r", deadlineEpochMilliseconds: Int64.max)
        let batch = TimeBudget.batch(startNanoseconds: now, context: farFuture, time: time.source)
        #expect(batch.remainingMilliseconds() == 86_400_000 - TimeBudget.batchReserveMilliseconds)
        let webhook = TimeBudget.webhook(startNanoseconds: now, context: farFuture, queued: false, time: time.source)
        #expect(webhook.remainingMilliseconds() == TimeBudget.webhookMilliseconds, "its own allowance still holds")
        let past = TimeBudget(startNanoseconds: now, allowanceMilliseconds: nil, deadlineMilliseconds: Int.min, time: time.source)
        #expect(past.remainingMilliseconds() == 0)
        let endless = TimeBudget(startNanoseconds: now, allowanceMilliseconds: Int.max, deadlineMilliseconds: nil, time: time.source)
        #expect(endless.remainingMilliseconds() == 86_400_000)
    }
}
