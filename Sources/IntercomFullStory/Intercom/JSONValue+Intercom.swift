import FlatJSON

/// Tolerant readers for Intercom's loosely typed fields.
extension JSONValue {
    /// A non-empty identifier, whether Intercom sent it as a string (`"9608799"`) or a number (`9608799`).
    var identifier: String? {
        switch kind {
        case .string: string.flatMap { $0.isEmpty ? nil : $0 }
        case .number: numberText
        default: nil
        }
    }

    /// A non-empty string.
    var nonEmptyString: String? { string.flatMap { $0.isEmpty ? nil : $0 } }

    /// Unix seconds from an integer, a numeric string or an ISO 8601 string (Intercom uses all three).
    var unixTimestamp: Int? {
        if let seconds = int { return seconds > 0 ? seconds : nil }
        guard let text = string else { return nil }
        if let seconds = Int(text) { return seconds > 0 ? seconds : nil }
        return ISO8601.parse(text)
    }
}
