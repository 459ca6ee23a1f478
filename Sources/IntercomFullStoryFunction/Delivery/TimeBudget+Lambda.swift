import Budget
import LambdaRuntime
import SystemClock

/// The budgets of an invocation, ending before Lambda's deadline (the context's).
extension TimeBudget {
    /// `allowanceMilliseconds` from `startNanoseconds` (`nil`: no allowance of its own), ending no later than
    /// `reserveMilliseconds` before Lambda's deadline (without a deadline, and without an allowance: 10 s).
    public init(
        startNanoseconds: UInt64, allowanceMilliseconds: Int?, context: LambdaContext,
        reserveMilliseconds: Int = TimeBudget.answerReserveMilliseconds, time: TimeSource
    ) {
        self.init(
            startNanoseconds: startNanoseconds, allowanceMilliseconds: allowanceMilliseconds,
            deadlineMilliseconds: context.remainingMilliseconds(now: time.epochMilliseconds()).map { Int(clamping: $0) },
            reserveMilliseconds: reserveMilliseconds, time: time)
    }

    /// A webhook's budget: 4 s, or 2 s for FullStory when a delivery queue takes what it cannot.
    public static func webhook(startNanoseconds: UInt64, context: LambdaContext, queued: Bool, time: TimeSource) -> TimeBudget {
        TimeBudget(
            startNanoseconds: startNanoseconds, allowanceMilliseconds: queued ? queuedWebhookMilliseconds : webhookMilliseconds,
            context: context, time: time)
    }

    /// The hand-off's: until 2.9 s after the webhook's start.
    public static func handoff(startNanoseconds: UInt64, context: LambdaContext, time: TimeSource) -> TimeBudget {
        TimeBudget(startNanoseconds: startNanoseconds, allowanceMilliseconds: handoffDeadlineMilliseconds, context: context, time: time)
    }

    /// The time a redelivery batch has left for records: up to its reserve before Lambda's deadline.
    public static func batch(startNanoseconds: UInt64, context: LambdaContext, time: TimeSource) -> TimeBudget {
        TimeBudget(
            startNanoseconds: startNanoseconds, allowanceMilliseconds: nil, context: context,
            reserveMilliseconds: batchReserveMilliseconds, time: time)
    }

    /// A batch's closing calls (visibility changes, dead-letter moves): up to the answer's reserve.
    public static func batchCalls(startNanoseconds: UInt64, context: LambdaContext, time: TimeSource) -> TimeBudget {
        TimeBudget(startNanoseconds: startNanoseconds, allowanceMilliseconds: nil, context: context, time: time)
    }
}
