import ASCIIText

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
        // Most page URLs need nothing taken out: no copy for them.
        guard url.utf8.contains(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") || $0 == UInt8(ascii: "@") })
        else { return url }
        var bytes = Array(url.utf8)
        // The authority starts after `scheme://`; a URL without one is kept up to its query or fragment.
        let schemeEnd = bytes.firstIndex { !Self.scheme.allows($0) } ?? bytes.count
        let authorityStart = bytes[schemeEnd...].starts(with: "://".utf8) ? schemeEnd + 3 : 0
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

    /// The bytes of a URL scheme (`https`, `svn+ssh`…).
    private static let scheme = IdentifierRule(punctuation: "+-.", maximumLength: 32)

    private static func endsAuthority(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#")
    }
}
