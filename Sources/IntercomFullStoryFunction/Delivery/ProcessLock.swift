#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A pthread mutex around what `serve`'s worker threads share (the circuit, the once-per-cause logs); uncontended in
/// Lambda, which sends one invocation at a time. pthread's rather than the standard library's `Mutex`: that one links
/// libswiftSynchronization into the bootstrap (45 KB more, measured), which the Lambda function does not need.
final class ProcessLock: @unchecked Sendable {
    // @unchecked: the mutex is what makes the state it guards safe to share.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    func withLock<Result>(_ body: () throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}
