#if canImport(Glibc)
import Glibc
#endif
import SystemClock

/// Waits for `condition` to hold, looking every `intervalMilliseconds`, for at most `timeoutMilliseconds` of the
/// monotonic clock (a bound for a broken test, never a timing the test asserts); whether it held.
@discardableResult
public func waitUntil(timeoutMilliseconds: Int, intervalMilliseconds: Int = 20, _ condition: () -> Bool) -> Bool {
    let end = SystemClock.monotonicNanoseconds() + UInt64(timeoutMilliseconds) * 1_000_000
    while !condition() {
        guard SystemClock.monotonicNanoseconds() < end else { return false }
        usleep(UInt32(intervalMilliseconds) * 1000)
    }
    return true
}
