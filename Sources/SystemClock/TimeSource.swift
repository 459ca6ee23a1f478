/// The clocks and the sleep that time-dependent code uses, as a value: `.system` reads `SystemClock`; tests pass
/// one that they move by hand (a circuit's open period, a message's age, a budget's end) instead of waiting.
public struct TimeSource: Sendable {
    public var epochMilliseconds: @Sendable () -> Int64
    public var monotonicNanoseconds: @Sendable () -> UInt64
    public var sleep: @Sendable (_ milliseconds: Int) -> Void

    public init(
        epochMilliseconds: @escaping @Sendable () -> Int64, monotonicNanoseconds: @escaping @Sendable () -> UInt64,
        sleep: @escaping @Sendable (_ milliseconds: Int) -> Void
    ) {
        self.epochMilliseconds = epochMilliseconds
        self.monotonicNanoseconds = monotonicNanoseconds
        self.sleep = sleep
    }

    /// Milliseconds since `start` (this source's monotonic nanoseconds), with microsecond resolution.
    public func milliseconds(since start: UInt64) -> Double {
        Double((monotonicNanoseconds() &- start) / 1000) / 1000
    }

    public static let system = TimeSource(
        epochMilliseconds: SystemClock.epochMilliseconds, monotonicNanoseconds: SystemClock.monotonicNanoseconds,
        sleep: { SystemClock.sleep(milliseconds: $0) })
}
