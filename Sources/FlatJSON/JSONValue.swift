#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ASCIIText

/// A read-only view of one value in a `JSONDocument`. Accessors are tolerant: asking for the wrong type gives
/// `nil` (or an empty sequence), never a trap, so decoders of loosely specified payloads stay simple.
public struct JSONValue: Sendable {
    public enum Kind: Sendable, Equatable {
        case object, array, string, number, bool, null
    }

    @usableFromInline let document: JSONDocument
    @usableFromInline let index: Int

    @usableFromInline
    init(document: JSONDocument, index: Int) {
        self.document = document
        self.index = index
    }

    @usableFromInline var token: JSONToken { document.tokens[index] }

    public var kind: Kind {
        switch token.kind {
        case .object: .object
        case .array: .array
        case .string, .escapedString: .string
        case .number: .number
        case .true, .false: .bool
        case .null: .null
        }
    }

    public var isNull: Bool { token.kind == .null }

    /// The member named `key` of an object, or `nil` when this is not an object or has no such member.
    /// When a key repeats, the last one wins (as in most JSON readers).
    public subscript(key: String) -> JSONValue? {
        guard token.kind == .object else { return nil }
        var key = key
        let found: Int? = key.withUTF8 { wanted in
            document.tokens.withUnsafeBufferPointer { tokens in
                document.bytes.withUnsafeBufferPointer { source in
                    var found: Int?
                    var keyIndex = index + 1
                    let end = Int(tokens[index].end)
                    while keyIndex < end {
                        let keyToken = tokens[keyIndex]
                        let valueIndex = keyIndex + 1
                        switch keyToken.kind {
                        case .string:
                            // Lengths first: most keys differ there, and then no bytes are compared.
                            if Int(keyToken.end - keyToken.start) == wanted.count,
                                Self.bytesEqual(source, from: Int(keyToken.start), wanted)
                            {
                                found = valueIndex
                            }
                        default:
                            let escaped = source[Int(keyToken.start)..<Int(keyToken.end)]
                            if JSONStringDecoding.unescapedBytes(ArraySlice(escaped)).elementsEqual(wanted) { found = valueIndex }
                        }
                        keyIndex = Self.index(after: tokens[valueIndex], at: valueIndex)
                    }
                    return found
                }
            }
        }
        return found.map { JSONValue(document: document, index: $0) }
    }

    @inline(__always)
    private static func bytesEqual(_ source: UnsafeBufferPointer<UInt8>, from start: Int, _ wanted: UnsafeBufferPointer<UInt8>)
        -> Bool
    {
        guard let base = source.baseAddress, let wantedBase = wanted.baseAddress else { return wanted.isEmpty }
        return memcmp(base + start, wantedBase, wanted.count) == 0
    }

    /// Follows a path of object keys: `value["data", "item"]`.
    public subscript(first: String, rest: String...) -> JSONValue? {
        var current = self[first]
        for key in rest { current = current?[key] }
        return current
    }

    /// The text of a string value.
    public var string: String? {
        let token = self.token
        switch token.kind {
        case .string:
            return String(decoding: document.bytes[Int(token.start)..<Int(token.end)], as: UTF8.self)
        case .escapedString:
            return JSONStringDecoding.unescape(document.bytes[Int(token.start)..<Int(token.end)])
        default:
            return nil
        }
    }

    /// Whether this is a string equal to `text`, compared in place (no `String` is made).
    public func isString(_ text: StaticString) -> Bool {
        let token = self.token
        guard token.kind == .string else { return token.kind == .escapedString && string == "\(text)" }
        let length = Int(token.end - token.start)
        guard length == text.utf8CodeUnitCount else { return false }
        return document.bytes.withUnsafeBufferPointer { source in
            guard let base = source.baseAddress else { return length == 0 }
            return memcmp(base + Int(token.start), text.utf8Start, length) == 0
        }
    }

    /// Whether this is a string that equals `lowercased` when ASCII capitals count as lowercase (header names),
    /// compared in place. `lowercased` must itself be lowercase.
    public func isString(equalToLowercasedASCII lowercased: String) -> Bool {
        let token = self.token
        guard token.kind == .string else {
            return token.kind == .escapedString && string.map { ASCII.lowercased($0) } == lowercased
        }
        let length = Int(token.end - token.start)
        guard length == lowercased.utf8.count else { return false }
        return document.bytes.withUnsafeBufferPointer { source in
            var offset = Int(token.start)
            for wanted in lowercased.utf8 {
                guard ASCII.lowercased(source[offset]) == wanted else { return false }
                offset += 1
            }
            return true
        }
    }


    /// The bytes a string value stands for (escapes decoded), without making a `String`: for payloads
    /// carried inside JSON, such as an API Gateway event's `body`.
    public var stringBytes: [UInt8]? {
        let token = self.token
        switch token.kind {
        case .string: return Array(document.bytes[Int(token.start)..<Int(token.end)])
        case .escapedString: return JSONStringDecoding.unescapedBytes(document.bytes[Int(token.start)..<Int(token.end)])
        default: return nil
        }
    }

    /// An integer value. Integral decimals (`5.0`, `1e3`) count; fractions and out-of-range numbers do not.
    public var int: Int? {
        let token = self.token
        guard token.kind == .number else { return nil }
        let slice = document.bytes[Int(token.start)..<Int(token.end)]
        if let value = Self.parseInteger(slice) { return value }
        guard let double = Double(String(decoding: slice, as: UTF8.self)), double.rounded() == double,
            double >= -9.007_199_254_740_992e15, double <= 9.007_199_254_740_992e15
        else { return nil }
        return Int(double)
    }

    public var double: Double? {
        let token = self.token
        guard token.kind == .number else { return nil }
        return Double(String(decoding: document.bytes[Int(token.start)..<Int(token.end)], as: UTF8.self))
    }

    public var bool: Bool? {
        switch token.kind {
        case .true: true
        case .false: false
        default: nil
        }
    }

    /// The source text of a number, unchanged (useful where ids arrive as numbers).
    public var numberText: String? {
        let token = self.token
        guard token.kind == .number else { return nil }
        return String(decoding: document.bytes[Int(token.start)..<Int(token.end)], as: UTF8.self)
    }

    /// Elements of an array; empty for anything else.
    public var elements: JSONArrayElements { JSONArrayElements(value: self) }

    /// Members of an object, in document order; empty for anything else.
    public var members: JSONObjectMembers { JSONObjectMembers(value: self) }

    /// Number of elements or members; 0 for scalars.
    public var count: Int {
        switch token.kind {
        case .object, .array: Int(token.count)
        default: 0
        }
    }

    @usableFromInline
    func nextSibling(of tokenIndex: Int) -> Int { Self.index(after: document.tokens[tokenIndex], at: tokenIndex) }

    /// The tape index after the value `token` (at `index`) and everything inside it.
    @inline(__always)
    static func index(after token: JSONToken, at index: Int) -> Int {
        switch token.kind {
        case .object, .array: Int(token.end)
        default: index + 1
        }
    }

    private static func parseInteger(_ slice: ArraySlice<UInt8>) -> Int? {
        var index = slice.startIndex
        let negative = slice[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        var value = 0
        while index < slice.endIndex {
            let byte = slice[index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let digit = Int(byte - UInt8(ascii: "0"))
            let (next, overflow2) = negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            if overflow1 || overflow2 { return nil }
            value = next
            index += 1
        }
        return value
    }
}

/// The elements of a JSON array, as a lazy sequence.
public struct JSONArrayElements: Sequence, Sendable {
    let value: JSONValue

    public func makeIterator() -> Iterator {
        let isArray = value.token.kind == .array
        return Iterator(
            value: value, position: value.index + 1, end: isArray ? Int(value.token.end) : value.index + 1)
    }

    public var underestimatedCount: Int { value.token.kind == .array ? Int(value.token.count) : 0 }

    public struct Iterator: IteratorProtocol, Sendable {
        let value: JSONValue
        var position: Int
        let end: Int

        public mutating func next() -> JSONValue? {
            guard position < end else { return nil }
            let element = JSONValue(document: value.document, index: position)
            position = value.nextSibling(of: position)
            return element
        }
    }
}

/// The members of a JSON object, as a lazy sequence of (key, value) pairs.
public struct JSONObjectMembers: Sequence, Sendable {
    let value: JSONValue

    public func makeIterator() -> Iterator {
        let isObject = value.token.kind == .object
        return Iterator(
            value: value, position: value.index + 1, end: isObject ? Int(value.token.end) : value.index + 1)
    }

    public struct Iterator: IteratorProtocol, Sendable {
        let value: JSONValue
        var position: Int
        let end: Int

        public mutating func next() -> (key: String, value: JSONValue)? {
            nextMember().map { ($0.key.string ?? "", $0.value) }
        }

        /// The next member with its key still a JSON string value.
        mutating func nextMember() -> (key: JSONValue, value: JSONValue)? {
            guard position < end else { return nil }
            let key = JSONValue(document: value.document, index: position)
            let member = JSONValue(document: value.document, index: position + 1)
            position = value.nextSibling(of: position + 1)
            return (key, member)
        }
    }

    /// The same members with each key left as a JSON string value, to be compared in place
    /// (`isString(_:)`) instead of decoded into a `String`.
    public var withKeyValues: JSONObjectKeyedMembers { JSONObjectKeyedMembers(members: self) }
}

/// The members of a JSON object with their keys as `JSONValue`s; see `JSONObjectMembers.withKeyValues`.
public struct JSONObjectKeyedMembers: Sequence, Sendable {
    let members: JSONObjectMembers

    public func makeIterator() -> Iterator { Iterator(members: members.makeIterator()) }

    public struct Iterator: IteratorProtocol, Sendable {
        var members: JSONObjectMembers.Iterator

        public mutating func next() -> (key: JSONValue, value: JSONValue)? { members.nextMember() }
    }
}
