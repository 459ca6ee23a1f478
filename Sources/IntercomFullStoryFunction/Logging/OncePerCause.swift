/// Remembers which causes of a configuration error this process has logged, so that each is logged once (with
/// its fix) rather than on every invocation; metrics still count every occurrence. Bounded: past 64 causes it
/// stops remembering and logs everything. Shared by `serve`'s workers, hence the lock.
final class OncePerCause: @unchecked Sendable {
    // @unchecked: `seen` is read and written under `lock` alone.
    private let lock = ProcessLock()
    private var seen: Set<String> = []
    private static let capacity = 64

    /// True the first time `cause` is seen.
    func isFirst(_ cause: String) -> Bool {
        lock.withLock {
            guard seen.count < Self.capacity else { return true }
            return seen.insert(cause).inserted
        }
    }
}
