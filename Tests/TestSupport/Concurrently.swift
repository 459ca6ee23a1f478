#if canImport(Glibc)
import Glibc
#endif

/// Runs `body(0..<count)` on `count` threads of their own at once (blocking clients: Swift's cooperative pool has
/// as many threads as cores, so tasks would not be concurrent), and returns when all have ended.
public func concurrently(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    final class Job {
        let index: Int
        let body: @Sendable (Int) -> Void
        init(index: Int, body: @escaping @Sendable (Int) -> Void) {
            self.index = index
            self.body = body
        }
    }
    var threads: [pthread_t] = []
    for index in 0..<count {
        let job = Unmanaged.passRetained(Job(index: index, body: body)).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { argument in
            guard let argument else { return nil }
            let job = Unmanaged<Job>.fromOpaque(argument).takeRetainedValue()
            job.body(job.index)
            return nil
        }, job)
        if created == 0 {
            threads.append(thread)
        } else {
            Unmanaged<Job>.fromOpaque(job).release()
            body(index)
        }
    }
    for thread in threads { pthread_join(thread, nil) }
}
