import ASCIIText
import IntercomFullStory

/// Reads settings from the environment (the function's, the CLI's and the backfill's), one variable at a time:
/// trimmed of ASCII spaces and line ends, an empty value counted as absent, and every problem a
/// `ConfigurationError` that names the variable, never its value (it may be a secret).
public struct EnvironmentReader {
    private let lookup: (String) -> String?

    /// - Parameter lookup: a variable's raw value by name (`ProcessEnvironment.variable`, or a dictionary's).
    public init(_ lookup: @escaping (String) -> String?) {
        self.lookup = lookup
    }

    /// The trimmed value; `nil` when unset or empty.
    public func value(_ name: String) -> String? {
        guard let raw = lookup(name) else { return nil }
        let trimmed = raw.trimmingASCIIWhitespace()
        return trimmed.isEmpty ? nil : trimmed
    }

    /// The value, or an error saying what it is for (`is required (<what>)`).
    public func required(_ name: String, _ what: String) throws(ConfigurationError) -> String {
        guard let value = value(name) else { throw ConfigurationError(variable: name, problem: "is required (\(what))") }
        return value
    }

    /// A value that goes into a header or URL as it is (keys, tokens): printable ASCII without spaces.
    public func headerSafe(_ name: String) throws(ConfigurationError) -> String? {
        guard let value = value(name) else { return nil }
        guard value.isHeaderSafe else { throw ConfigurationError(variable: name, problem: "contains spaces or control characters") }
        return value
    }

    /// The same, required.
    public func requiredHeaderSafe(_ name: String, _ what: String) throws(ConfigurationError) -> String {
        guard let value = try headerSafe(name) else { throw ConfigurationError(variable: name, problem: "is required (\(what))") }
        return value
    }

    /// A service's base URL: `https://` (plain `http://` only to loopback or Docker's host), without a trailing
    /// slash; `fallback` when unset.
    public func baseURL(_ name: String, default fallback: String) throws(ConfigurationError) -> String {
        var url = value(name) ?? fallback
        while url.hasSuffix("/") { url.removeLast() }
        guard Self.isAllowedURL(url) else { throw ConfigurationError(variable: name, problem: "must be an https:// URL") }
        return url
    }

    /// A whole number in `range`; `nil` when unset.
    public func integer(_ name: String, in range: ClosedRange<Int>, _ what: String) throws(ConfigurationError) -> Int? {
        guard let text = value(name) else { return nil }
        guard let number = Int(text), range.contains(number) else {
            throw ConfigurationError(variable: name, problem: "must be \(what) from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// One of a type's values by its raw value, without regard to case; `fallback` when unset.
    public func choice<Choice: RawRepresentable & CaseIterable>(_ name: String, default fallback: Choice) throws(ConfigurationError)
        -> Choice where Choice.RawValue == String
    {
        guard let text = value(name) else { return fallback }
        guard let choice = Choice(rawValue: text.lowercased()) else {
            throw ConfigurationError(
                variable: name, problem: "must be " + Choice.allCases.map(\.rawValue).joined(separator: " or "))
        }
        return choice
    }

    /// `true` or `false` (any case); `false` when unset.
    public func flag(_ name: String) throws(ConfigurationError) -> Bool {
        switch value(name)?.lowercased() {
        case nil, "false": return false
        case "true": return true
        default: throw ConfigurationError(variable: name, problem: "must be true or false")
        }
    }

    /// The non-empty items of a comma list, trimmed.
    public func list(_ name: String) -> [String] {
        (value(name) ?? "").split(separator: ",").map { String($0).trimmingASCIIWhitespace() }.filter { !$0.isEmpty }
    }

    /// `https://…`, or plain `http://` to loopback (or Docker's host) only; printable, without spaces.
    public static func isAllowedURL(_ url: String) -> Bool {
        let loopback = ["http://127.0.0.1", "http://localhost", "http://[::1]", "http://host.docker.internal"]
        let isLoopbackHTTP = loopback.contains { url == $0 || url.hasPrefix($0 + ":") || url.hasPrefix($0 + "/") }
        return (url.hasPrefix("https://") || isLoopbackHTTP) && url.isHeaderSafe && url.utf8.count > "https://".utf8.count
    }
}
