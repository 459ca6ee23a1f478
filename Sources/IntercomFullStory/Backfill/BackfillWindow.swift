import ISO8601Format

/// The span a backfill covers: [since, until), in Unix seconds.
public struct BackfillWindow: Sendable, Equatable, CustomStringConvertible {
    public let since: Int
    public let until: Int

    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case unreadableTime(option: String, text: String)
        case empty(since: Int, until: Int)

        public var description: String {
            switch self {
            case .unreadableTime(let option, let text):
                option == "--since"
                    ? "--since \(text.debugDescription) is neither an ISO 8601 time with Z or an offset (2026-11-01T00:00:00Z) nor a span back from now (7d, 36h, 90m)"
                    : "\(option) \(text.debugDescription) is not an ISO 8601 time with Z or an offset (2026-11-01T00:00:00Z)"
            case .empty(let since, let until):
                "--since (\(ISO8601.format(unixSeconds: since))) must be before --until (\(ISO8601.format(unixSeconds: until)))"
            }
        }
    }

    /// `--until` when it is not given: a few minutes before now, since Intercom's search may lag behind.
    private static let defaultUntilLag = 300

    public init(since: Int, until: Int) throws(Problem) {
        guard since < until else { throw .empty(since: since, until: until) }
        self.since = since
        self.until = until
    }

    /// From the options as given: `since` is an ISO 8601 time or a span back from `now` (`7d`, `36h`, `90m`,
    /// `2w`, `600s`); `until` an ISO 8601 time, by default five minutes before `now`.
    public init(since: String, until: String?, now: Int) throws(Problem) {
        guard let start = Self.time(since) ?? Self.span(since).map({ now - $0 }) else {
            throw .unreadableTime(option: "--since", text: since)
        }
        var end = now - Self.defaultUntilLag
        if let until {
            guard let parsed = Self.time(until) else { throw .unreadableTime(option: "--until", text: until) }
            end = parsed
        }
        try self.init(since: start, until: end)
    }

    /// Whether `moment` lies in the window (its start included, its end not).
    public func contains(_ moment: Int) -> Bool { moment >= since && moment < until }

    public var description: String { "[\(ISO8601.format(unixSeconds: since)), \(ISO8601.format(unixSeconds: until)))" }

    /// An ISO 8601 time with `Z` or an offset (a time without a zone would be ambiguous).
    public static func time(_ text: String) -> Int? { ISO8601.parse(text.trimmingASCIIWhitespace()) }

    /// Seconds of a span such as `7d`, `36h`, `90m`, `2w` or `600s`.
    public static func span(_ text: String) -> Int? {
        var digits = text.trimmingASCIIWhitespace()
        guard let unit = digits.popLast(), let count = Int(digits), count > 0, count <= 100_000 else { return nil }
        switch unit {
        case "s": return count
        case "m": return count * 60
        case "h": return count * 3600
        case "d": return count * 86_400
        case "w": return count * 604_800
        default: return nil
        }
    }
}
