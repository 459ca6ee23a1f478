import LambdaRuntime

/// The time a delivery may take: it ends before Intercom's 5 s timeout and before the Lambda deadline,
/// whichever comes first, so there is always time left to answer.
public struct DeliveryBudget: Sendable {
    /// Intercom gives up after 5 s; answering by 4 s leaves room for API Gateway and the cold path.
    public static let intercomAllowanceMilliseconds: Int64 = 4000
    /// With a delivery queue, FullStory gets 2 s, so that the hand-off to SQS still answers within 3 s.
    public static let queuedAllowanceMilliseconds: Int64 = 2000
    /// Kept back from the Lambda deadline to post the response.
    public static let deadlineReserveMilliseconds: Int64 = 300

    /// Monotonic nanoseconds at which the budget ends.
    public let endNanoseconds: UInt64

    public init(
        startNanoseconds: UInt64, remainingLambdaMilliseconds: Int64?,
        allowanceMilliseconds: Int64 = DeliveryBudget.intercomAllowanceMilliseconds
    ) {
        var allowance = allowanceMilliseconds
        if let remaining = remainingLambdaMilliseconds {
            allowance = min(allowance, remaining - Self.deadlineReserveMilliseconds)
        }
        endNanoseconds = startNanoseconds + UInt64(max(0, allowance)) * 1_000_000
    }

    public func remainingMilliseconds(now: UInt64 = LambdaClock.monotonicNanoseconds()) -> Int {
        now >= endNanoseconds ? 0 : Int((endNanoseconds - now) / 1_000_000)
    }
}
