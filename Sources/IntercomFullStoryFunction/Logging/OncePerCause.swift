/// Remembers which causes of a configuration error this process has logged, so that each is logged once (with
/// its fix) rather than on every invocation; metrics still count every occurrence. Bounded: past 64 causes it
/// stops remembering and logs everything.
final class OncePerCause {
    private var seen: Set<String> = []
    private static let capacity = 64

    /// True the first time `cause` is seen.
    func isFirst(_ cause: String) -> Bool {
        guard seen.count < Self.capacity else { return true }
        return seen.insert(cause).inserted
    }
}
