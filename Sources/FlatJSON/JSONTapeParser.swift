/// Recursive-descent validator that records a `JSONToken` for every value. Depth is bounded by
/// `JSONDocument.maximumDepth`, so hostile input cannot exhaust the stack.
struct JSONTapeParser {
    private(set) var tokens: [JSONToken] = []
    private var position = 0
    private var depth = 0

    init(count: Int) {
        // A value needs at least two bytes on average (value plus separator): a good first guess.
        tokens.reserveCapacity(max(8, count / 8))
    }

    mutating func parseDocument(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) {
        skipWhitespace(bytes)
        guard position < bytes.count else { throw JSONParseError(reason: .empty, offset: 0) }
        try parseValue(bytes)
        skipWhitespace(bytes)
        guard position == bytes.count else { throw JSONParseError(reason: .trailingData, offset: position) }
    }

    private mutating func skipWhitespace(_ bytes: UnsafeBufferPointer<UInt8>) {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    private func fail(_ reason: JSONParseError.Reason) -> JSONParseError {
        JSONParseError(reason: reason, offset: position)
    }

    private mutating func parseValue(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) {
        guard position < bytes.count else { throw fail(.unexpectedEnd) }
        switch bytes[position] {
        case UInt8(ascii: "{"): try parseContainer(bytes, kind: .object, close: UInt8(ascii: "}"))
        case UInt8(ascii: "["): try parseContainer(bytes, kind: .array, close: UInt8(ascii: "]"))
        case UInt8(ascii: "\""): try parseString(bytes)
        case UInt8(ascii: "t"): try parseLiteral(bytes, "true", kind: .true)
        case UInt8(ascii: "f"): try parseLiteral(bytes, "false", kind: .false)
        case UInt8(ascii: "n"): try parseLiteral(bytes, "null", kind: .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try parseNumber(bytes)
        default: throw fail(.unexpectedByte)
        }
    }

    private mutating func parseContainer(
        _ bytes: UnsafeBufferPointer<UInt8>, kind: JSONToken.Kind, close: UInt8
    ) throws(JSONParseError) {
        depth += 1
        guard depth <= JSONDocument.maximumDepth else { throw fail(.tooDeep) }
        let tokenIndex = tokens.count
        tokens.append(JSONToken(kind: kind, start: UInt32(position), end: 0, count: 0))
        position += 1
        skipWhitespace(bytes)
        var count: UInt32 = 0
        if position < bytes.count, bytes[position] == close {
            position += 1
        } else {
            while true {
                if kind == .object {
                    guard position < bytes.count else { throw fail(.unexpectedEnd) }
                    guard bytes[position] == UInt8(ascii: "\"") else { throw fail(.unexpectedByte) }
                    try parseString(bytes)
                    skipWhitespace(bytes)
                    guard position < bytes.count else { throw fail(.unexpectedEnd) }
                    guard bytes[position] == UInt8(ascii: ":") else { throw fail(.unexpectedByte) }
                    position += 1
                    skipWhitespace(bytes)
                }
                try parseValue(bytes)
                count += 1
                skipWhitespace(bytes)
                guard position < bytes.count else { throw fail(.unexpectedEnd) }
                let byte = bytes[position]
                position += 1
                if byte == close { break }
                guard byte == UInt8(ascii: ",") else {
                    position -= 1
                    throw fail(.unexpectedByte)
                }
                skipWhitespace(bytes)
            }
        }
        tokens[tokenIndex].end = UInt32(tokens.count)
        tokens[tokenIndex].count = count
        depth -= 1
    }

    private mutating func parseString(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) {
        let start = position + 1  // after the opening quote
        var index = start
        var escaped = false
        let count = bytes.count
        while true {
            // Whole words while they hold nothing but text and `\"` pairs; the rest one special at a time.
            wordScan: while index + 8 <= count {
                switch JSONByteScanner.classifyStringWord(bytes, at: index) {
                case .continues(let hasEscapes):
                    escaped = escaped || hasEscapes
                    index += 8
                case .ends(let offset, let hasEscapes):
                    endString(start: start, closingQuote: index + offset, escaped: escaped || hasEscapes)
                    return
                case .needsCare:
                    break wordScan
                }
            }
            index = JSONByteScanner.nextStringSpecial(bytes, from: index)
            guard index < count else { break }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                endString(start: start, closingQuote: index, escaped: escaped)
                return
            }
            guard byte == UInt8(ascii: "\\") else {
                position = index
                throw fail(.invalidString)  // a control character
            }
            // A backslash: validate the escape and go on scanning after it.
            escaped = true
            let escape = index + 1
            guard escape < count else {
                position = escape
                throw fail(.unexpectedEnd)
            }
            switch bytes[escape] {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                index = escape + 1
            case UInt8(ascii: "u"):
                guard escape + 4 < count else {
                    position = count
                    throw fail(.unexpectedEnd)
                }
                for offset in 1...4 where JSONStringDecoding.hexValue(bytes[escape + offset]) == nil {
                    position = escape
                    throw fail(.invalidString)
                }
                index = escape + 5
            default:
                position = escape
                throw fail(.invalidString)
            }
        }
        position = count
        throw fail(.unexpectedEnd)
    }

    @inline(__always)
    private mutating func endString(start: Int, closingQuote: Int, escaped: Bool) {
        tokens.append(
            JSONToken(kind: escaped ? .escapedString : .string, start: UInt32(start), end: UInt32(closingQuote), count: 0))
        position = closingQuote + 1
    }

    private mutating func parseLiteral(
        _ bytes: UnsafeBufferPointer<UInt8>, _ literal: StaticString, kind: JSONToken.Kind
    ) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw fail(.unexpectedEnd) }
        let pointer = literal.utf8Start
        for offset in 0..<count where bytes[position + offset] != pointer[offset] {
            throw fail(.unexpectedByte)
        }
        tokens.append(JSONToken(kind: kind, start: UInt32(position), end: UInt32(position + count), count: 0))
        position += count
    }

    private mutating func parseNumber(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) {
        let start = position
        func isDigit(_ index: Int) -> Bool {
            index < bytes.count && bytes[index] >= UInt8(ascii: "0") && bytes[index] <= UInt8(ascii: "9")
        }
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard isDigit(position) else { throw fail(.invalidNumber) }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            while isDigit(position) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard isDigit(position) else { throw fail(.invalidNumber) }
            while isDigit(position) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard isDigit(position) else { throw fail(.invalidNumber) }
            while isDigit(position) { position += 1 }
        }
        tokens.append(JSONToken(kind: .number, start: UInt32(start), end: UInt32(position), count: 0))
    }
}
