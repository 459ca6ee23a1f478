/// The ASCII byte rules every layer shares (inlinable: they run on every header byte, in other modules): case-insensitive names (HTTP headers, whether in libcurl's header
/// block or in an API Gateway event's JSON) and values safe to put in a header or URL as they are.
public enum ASCII {
    /// `byte` with capitals made lowercase; every other byte as it is.
    @inlinable @inline(__always)
    public static func lowercased(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte + 32 : byte }

    /// `text` with ASCII capitals made lowercase: no Unicode machinery, and no copy when it has none.
    @inlinable
    public static func lowercased(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) else { return text }
        return String(decoding: text.utf8.map(lowercased), as: UTF8.self)
    }

    /// Whether `bytes` equal `name` when ASCII case does not count.
    @inlinable @inline(__always)
    public static func equalIgnoringCase(_ bytes: UnsafeBufferPointer<UInt8>, _ name: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count == name.count else { return false }
        for index in 0..<bytes.count where lowercased(bytes[index]) != lowercased(name[index]) { return false }
        return true
    }

    /// The same for arrays (tests, configuration).
    @inlinable
    public static func equalIgnoringCase(_ bytes: [UInt8], _ name: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { left in name.withUnsafeBufferPointer { right in equalIgnoringCase(left, right) } }
    }

    /// Whether `text`, with ASCII case not counting, holds `word` (lower-case ASCII). Byte by byte: the standard
    /// library's `String.contains(_:)` comes from _StringProcessing, whose regex engine would add 1.5 MB to the
    /// function (measured: the stripped bootstrap 9.56 MB with it, 8.63 MB without; deploy/check-binary.sh refuses it).
    public static func contains(_ text: String, word: String) -> Bool {
        let haystack = Array(text.utf8), needle = Array(word.utf8)
        guard !needle.isEmpty, needle.count <= haystack.count else { return needle.isEmpty }
        for start in 0...(haystack.count - needle.count) {
            var index = 0
            while index < needle.count, lowercased(haystack[start + index]) == needle[index] { index += 1 }
            if index == needle.count { return true }
        }
        return false
    }

    /// The host of `url` (`https://API.EU1.example.com:443/v1` → `api.eu1.example.com`), lower-cased; empty when
    /// there is none.
    public static func host(ofURL url: String) -> String {
        let afterScheme = url.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: true).dropFirst().first
        return lowercased(afterScheme.map { String($0.split(separator: ":").first ?? "") } ?? "")
    }

    /// Printable and not a space (0x21…0x7E).
    @inlinable @inline(__always)
    public static func isHeaderSafe(_ byte: UInt8) -> Bool { byte > 0x20 && byte < 0x7F }
}

extension String {
    /// Printable ASCII without spaces: safe to put in a header or URL as is.
    @inlinable
    public var isHeaderSafe: Bool { utf8.allSatisfy(ASCII.isHeaderSafe) }
}
