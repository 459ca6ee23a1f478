/// Exponential backoff with full jitter between FullStory attempts.
public struct RetryBackoff: Sendable {
    public var baseMilliseconds: Int
    public var capMilliseconds: Int

    public init(baseMilliseconds: Int = 100, capMilliseconds: Int = 1000) {
        self.baseMilliseconds = baseMilliseconds
        self.capMilliseconds = capMilliseconds
    }

    /// The wait before attempt `attempt` (2, 3, …): uniform in [ceiling/2, ceiling], ceiling doubling each time.
    public func delay(beforeAttempt attempt: Int, using generator: inout some RandomNumberGenerator) -> Int {
        let exponent = min(max(attempt - 2, 0), 16)
        let ceiling = min(capMilliseconds, baseMilliseconds << exponent)
        return Int.random(in: (ceiling / 2)...max(ceiling / 2, ceiling), using: &generator)
    }
}
