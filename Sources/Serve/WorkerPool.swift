import NIOPosix
import Synchronization

/// The workers and the threads they run on. A request takes a free worker, waiting at most a given time (then it
/// is refused: never an unbounded queue in memory), runs on a pool thread (never an event loop, nor Swift's
/// cooperative pool, which libcurl's blocking calls would starve), and gives the worker back.
final class WorkerPool<Worker: Sendable>: Sendable {
    private let threads: NIOThreadPool
    private struct State {
        var free: [Worker]
        var waiters: [(id: UInt64, continuation: CheckedContinuation<Worker?, Never>)] = []
        var nextID: UInt64 = 0
    }
    private let state: Mutex<State>
    let size: Int
    /// Requests waiting for a worker, at most: past it a request is refused at once (each holds its body).
    let maximumWaiters: Int

    enum Outcome<Value: Sendable>: Sendable {
        case ran(Value)
        /// No worker within the wait, or too many waiting already.
        case busy
        /// The pool's threads are stopping.
        case stopped
    }

    init(workers: [Worker]) {
        size = workers.count
        maximumWaiters = 2 * workers.count
        state = Mutex(State(free: workers))
        threads = NIOThreadPool(numberOfThreads: max(1, workers.count))
        threads.start()
    }

    /// Runs `body` on a pool thread with a worker, when one is free within `waitMilliseconds`.
    func run<Result: Sendable>(
        waitingAtMost waitMilliseconds: Int, _ body: @escaping @Sendable (Worker) -> Result
    ) async -> Outcome<Result> {
        guard let worker = await acquire(waitingAtMost: waitMilliseconds) else { return .busy }
        defer { release(worker) }
        guard let result = try? await threads.runIfActive({ body(worker) }) else { return .stopped }
        return .ran(result)
    }

    func shutdown() async {
        try? await threads.shutdownGracefully()
    }

    private func acquire(waitingAtMost waitMilliseconds: Int) async -> Worker? {
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Worker?, Never>) in
            let immediate: Worker?? = state.withLock { state in
                if let worker = state.free.popLast() { return .some(worker) }
                guard state.waiters.count < maximumWaiters else { return .some(nil) }
                state.waiters.append((id, continuation))
                return .none
            }
            if let immediate {
                continuation.resume(returning: immediate)
                return
            }
            // The wait's end: if no worker came by then, the waiter is removed and told so.
            Task {
                try? await Task.sleep(for: .milliseconds(waitMilliseconds))
                let expired = self.state.withLock { state -> CheckedContinuation<Worker?, Never>? in
                    guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                    return state.waiters.remove(at: index).continuation
                }
                expired?.resume(returning: nil)
            }
        }
    }

    private func release(_ worker: Worker) {
        let waiter = state.withLock { state -> CheckedContinuation<Worker?, Never>? in
            guard !state.waiters.isEmpty else {
                state.free.append(worker)
                return nil
            }
            return state.waiters.removeFirst().continuation
        }
        waiter?.resume(returning: worker)
    }
}
