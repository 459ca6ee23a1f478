/// template.yaml read as text, enough for cross-checks against the code (no YAML library needed: the template
/// keeps each checked setting on a line of its own, `Key: value`).
public struct TemplateText: Sendable {
    public let lines: [String]

    public init(path: String = repositoryRoot + "/template.yaml") {
        lines = readFile(path).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// The values of every `key: value` line, comments and quotes removed, in template order.
    public func values(of key: String) -> [String] {
        lines.compactMap { line in
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let trimmed = content.drop { $0 == " " || $0 == "-" }
            guard trimmed.hasPrefix(key + ":") else { return nil }
            let value = trimmed.dropFirst(key.count + 1).trimmingCharacters(" '\"")
            return value.isEmpty ? nil : value
        }
    }
}

extension Substring {
    fileprivate func trimmingCharacters(_ set: String) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}
