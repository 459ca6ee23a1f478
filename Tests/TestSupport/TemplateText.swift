/// template.yaml read as text, enough for cross-checks against the code (no YAML library needed: the template
/// keeps each checked setting on a line of its own, `Key: value`).
public struct TemplateText: Sendable {
    /// The `key: value` values in `lines` (an entry's lines, for instance).
    public static func values(of key: String, inLines lines: [String]) -> [String] { values(of: key, in: lines) }

    public let lines: [String]

    public init(path: String = repositoryRoot + "/template.yaml") {
        lines = readFile(path).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// The values of every `key: value` line, comments and quotes removed, in template order.
    public func values(of key: String) -> [String] { Self.values(of: key, in: lines) }

    /// The lines of each top-level entry of a section (`Resources`, `Outputs`…), by its logical name.
    public func entries(of section: String) -> [(name: String, lines: [String])] {
        var entries: [(name: String, lines: [String])] = []
        var inSection = false
        for line in lines {
            if !line.hasPrefix(" "), !line.isEmpty {
                inSection = line == section + ":"
                continue
            }
            guard inSection else { continue }
            let isEntry = line.hasPrefix("  ") && !line.hasPrefix("   ") && line.hasSuffix(":") && !line.contains("#")
            if isEntry {
                entries.append((String(line.dropFirst(2).dropLast()), []))
            } else if !entries.isEmpty {
                entries[entries.count - 1].lines.append(line)
            }
        }
        return entries
    }

    static func values(of key: String, in lines: [String]) -> [String] {
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
