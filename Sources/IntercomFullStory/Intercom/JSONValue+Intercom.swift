import FlatJSON
import ISO8601Format

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

    /// Unix seconds from an integer, a numeric string or an ISO 8601 string (Intercom uses all three). Only
    /// instants in years 1970...9999 count: RFC 3339, which FullStory reads, has four-digit years.
    var unixTimestamp: Int? {
        if let seconds = int { return Self.plausible(seconds) }
        guard let text = string else { return nil }
        if let seconds = Int(text) { return Self.plausible(seconds) }
        return ISO8601.parse(text)
    }

    private static func plausible(_ seconds: Int) -> Int? {
        seconds > 0 && seconds <= ISO8601.latestFourDigitYearSecond ? seconds : nil
    }
}
