import ASCIIText

/// A FullStory session id as the server API wants it: `<DeviceID>:<SessionID>` (digits, or the UUID "client
/// id" form). Read from what the browser stored in Intercom: the raw id or a session replay URL.
public struct FullStorySessionID: Sendable, Equatable, CustomStringConvertible {
    public let value: String
    public var description: String { value }

    /// Accepts `123:456`, `uuid:uuid`, or a URL whose path has `/session/<url-encoded id>`. Anything else
    /// (empty, `Unknown`, a `/client-session/` URL, which no source documents) gives `nil`.
    public init?(parsing text: String) {
        let trimmed = text.trimmingASCIIWhitespace()
        if let id = Self.validated(trimmed) {
            value = id
            return
        }
        // The id is the path segment after `/session/`, percent-encoded (`%3A` for the colon).
        let bytes = Array(trimmed.utf8)
        let marker = Array("/session/".utf8)
        guard let markerStart = bytes.indices.first(where: { bytes[$0...].starts(with: marker) }) else { return nil }
        let segmentStart = markerStart + marker.count
        let segmentEnd =
            bytes[segmentStart...].firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }
            ?? bytes.endIndex
        guard let decoded = Self.percentDecoded(bytes[segmentStart..<segmentEnd]), let id = Self.validated(decoded) else {
            return nil
        }
        value = id
    }

    private static func validated(_ text: String) -> String? {
        let utf8 = text.utf8
        guard utf8.count <= 256, let colon = utf8.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let device = utf8[..<colon]
        let session = utf8[utf8.index(after: colon)...]  // a second colon is not an identifier byte
        guard halfRule.accepts(device), halfRule.accepts(session) else { return nil }
        return text
    }

    /// Each half of `device:session`.
    private static let halfRule = IdentifierRule(punctuation: "-_", maximumLength: 256)

    private static func percentDecoded(_ text: ArraySlice<UInt8>) -> String? {
        PercentEncoding.decoded(text).map { String(decoding: $0, as: UTF8.self) }
    }
}
