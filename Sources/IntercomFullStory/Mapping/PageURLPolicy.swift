/// What of the page URL where a conversation began (`page_url`) is sent. Query strings and fragments carry
/// tokens and personal data on many sites (password-reset links, e-mail addresses, order numbers), so by
/// default only the scheme, host (with its port) and path go out; `FULLSTORY_PAGE_URL_QUERY=keep` sends the
/// URL as Intercom gives it. User information before the host (`user:password@`) never goes out.
public enum PageURLPolicy: String, Sendable, CaseIterable {
    /// Scheme, host and path.
    case drop
    /// The whole URL but its user information.
    case keep

    public func apply(to url: String) -> String {
        var bytes = Array(url.utf8)
        // The authority starts after `scheme://`; a URL without one is kept up to its query or fragment.
        var authorityStart = 0
        if let schemeEnd = Self.index(of: Array("://".utf8), in: bytes) { authorityStart = schemeEnd + 3 }
        var authorityEnd = authorityStart
        while authorityEnd < bytes.count, !Self.endsAuthority(bytes[authorityEnd]) { authorityEnd += 1 }
        if let at = bytes[authorityStart..<authorityEnd].lastIndex(of: UInt8(ascii: "@")) {
            bytes.removeSubrange(authorityStart...at)
        }
        if self == .drop, let cut = bytes.firstIndex(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) {
            bytes.removeSubrange(cut...)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func endsAuthority(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#")
    }

    private static func index(of needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        // Only within what could be a scheme: letters, digits, `+`, `-`, `.` before it.
        for start in 0...(bytes.count - needle.count) {
            if bytes[start..<(start + needle.count)].elementsEqual(needle) { return start }
            let byte = bytes[start]
            let isSchemeByte =
                (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            if !isSchemeByte { return nil }
        }
        return nil
    }
}
