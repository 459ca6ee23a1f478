/// The `Retry-After` header as the APIs we call send it (FullStory documents seconds; Intercom and SQS send none
/// or the same form).
public enum RetryAfter {
    /// Seconds, at most a day (so that no arithmetic on it can overflow); `nil` for anything else (HTTP dates are
    /// not worth honouring within a webhook's seconds, and a redelivery follows its own schedule).
    public static func seconds(_ text: String) -> Int? {
        var bytes = Substring(text).utf8
        while let first = bytes.first, first == 0x20 || first == 0x09 { bytes = bytes.dropFirst() }
        while let last = bytes.last, last == 0x20 || last == 0x09 { bytes = bytes.dropLast() }
        guard let seconds = Int(Substring(bytes)), seconds >= 0 else { return nil }
        return min(seconds, 86_400)
    }
}
