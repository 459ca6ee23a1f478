/// A parsed, immutable JSON document: the source bytes plus a flat tape of tokens over them.
///
/// Parsing validates the whole grammar (RFC 8259) in one pass and allocates only the tape; strings and numbers
/// are decoded lazily, when a reader asks for them. That keeps decoding a webhook to a handful of allocations.
public final class JSONDocument: Sendable {
    /// Deepest nesting accepted; deeper input is rejected instead of risking the stack.
    public static let maximumDepth = 64
    /// Largest source accepted: offsets are stored in 32 bits.
    private static let maximumSize = Int(UInt32.max) - 1

    @usableFromInline let bytes: [UInt8]
    @usableFromInline let tokens: [JSONToken]

    public init(parsing bytes: [UInt8]) throws(JSONParseError) {
        guard bytes.count <= JSONDocument.maximumSize else { throw JSONParseError(reason: .tooLarge, offset: 0) }
        var parser = JSONTapeParser(count: bytes.count)
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONParseError) in try parser.parseDocument(buffer) }
        self.bytes = bytes
        self.tokens = parser.tokens
    }

    public convenience init(parsing text: String) throws(JSONParseError) {
        try self.init(parsing: Array(text.utf8))
    }

    /// The top-level value.
    public var root: JSONValue { JSONValue(document: self, index: 0) }
}
