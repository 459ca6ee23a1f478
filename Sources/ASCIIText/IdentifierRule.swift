/// What an identifier that goes into a URL, a header or a log may hold: ASCII letters (of both cases, or lowercase
/// only), digits and a few punctuation marks, between 1 and `maximumLength` bytes. One rule per kind of identifier
/// (a Lambda request id, a FullStory session half, an error code…), all checked the same way, on bytes.
public struct IdentifierRule: Sendable {
    public var lowercaseOnly: Bool
    public var punctuation: [UInt8]
    public var maximumLength: Int

    public init(lowercaseOnly: Bool = false, punctuation: String, maximumLength: Int) {
        self.lowercaseOnly = lowercaseOnly
        self.punctuation = Array(punctuation.utf8)
        self.maximumLength = maximumLength
    }

    @inlinable @inline(__always)
    public func allows(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x7A) || (!lowercaseOnly && byte >= 0x41 && byte <= 0x5A)
            || punctuation.contains(byte)
    }

    @inlinable
    public func accepts(_ bytes: some Collection<UInt8>) -> Bool {
        !bytes.isEmpty && bytes.count <= maximumLength && bytes.allSatisfy(allows)
    }

    @inlinable
    public func accepts(_ text: String) -> Bool { accepts(text.utf8) }
}
