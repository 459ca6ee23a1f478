import Synchronization
import SystemClock

/// A `TimeSource` whose sleeps do not wait: each one is recorded and moves the clocks forward by its length, on
/// top of the real time that passes. Time-dependent code (a retry's backoff, a budget's end, a circuit's open
/// period) then runs at once, and tests assert what it waited rather than how long a busy machine took.
public final class SteppedTime: Sendable {
    private let state = Mutex((offsetNanoseconds: UInt64(0), sleeps: [Int]()))
    /// With `frozen`, real time does not pass: the clocks move only by sleeps and `advance`.
    private let frozenAt: (epoch: Int64, monotonic: UInt64)?

    public init(frozen: Bool = false) {
        frozenAt = frozen ? (SystemClock.epochMilliseconds(), SystemClock.monotonicNanoseconds()) : nil
    }

    /// Moves the clocks forward without a sleep (time passing between invocations).
    public func advance(milliseconds: Int) {
        state.withLock { $0.offsetNanoseconds += UInt64(max(0, milliseconds)) * 1_000_000 }
    }

    /// Every sleep asked for, in milliseconds, in order.
    public var sleeps: [Int] { state.withLock { $0.sleeps } }

    public var source: TimeSource {
        TimeSource(
            epochMilliseconds: {
                (self.frozenAt?.epoch ?? SystemClock.epochMilliseconds()) + Int64(self.state.withLock { $0.offsetNanoseconds } / 1_000_000)
            },
            monotonicNanoseconds: {
                (self.frozenAt?.monotonic ?? SystemClock.monotonicNanoseconds()) + self.state.withLock { $0.offsetNanoseconds }
            },
            sleep: { milliseconds in
                self.state.withLock { state in
                    state.sleeps.append(milliseconds)
                    state.offsetNanoseconds += UInt64(max(0, milliseconds)) * 1_000_000
                }
            })
    }
}
