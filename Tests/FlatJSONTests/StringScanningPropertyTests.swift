import FlatJSON
import PropertyBased
import Testing

/// The parser's string scanning (whole words at a time where it can) agrees with a plain byte-by-byte reading
/// of the JSON grammar, at every alignment, for strings built from the pieces that make scanning hard.
@Suite struct StringScanningPropertyTests {
    static let pieces: [String] = [
        "a", "bc", "é", "\"", "\\", "\\\"", "\\\\", "\\n", "\\/", "\\t", "\\u00e9", "\\u12", "\\x", "\n", "\u{01}",
        "\\\"\\\"", "\"\\\"",
    ]
    static let content = Gen.int(in: 0...(pieces.count - 1)).map { pieces[$0] }.array(of: 0...24).map { $0.joined() }
    static let padding = Gen.int(in: 0...15)

    @Test func agreesWithAByteByByteReading() async {
        await propertyCheck(count: 3000, input: Self.content, Self.padding) { content, padding in
            let document = "[" + String(repeating: " ", count: padding) + "\"" + content + "\"]"
            let parsed = try? JSONDocument(parsing: Array(document.utf8))
            if let expected = Self.referenceDecoding(Array(content.utf8)) {
                let root = try #require(parsed, "rejected valid \(document)")
                #expect(root.root.count == 1)
                #expect(root.root.elements.first(where: { _ in true })?.stringBytes == expected, "\(document)")
            } else {
                // Not a string by itself: either no document, or one whose string ended at a bare quote.
                #expect(parsed == nil || parsed?.root.count != 1, "accepted invalid \(document)")
            }
        }
    }

    /// The bytes a JSON string's content stands for, or nil when it is not valid string content. Only the
    /// escapes the pieces can form: simple ones and `\u` below the surrogates.
    static func referenceDecoding(_ bytes: [UInt8]) -> [UInt8]? {
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") || byte < 0x20 { return nil }
            guard byte == UInt8(ascii: "\\") else {
                output.append(byte)
                index += 1
                continue
            }
            guard index + 1 < bytes.count else { return nil }
            switch bytes[index + 1] {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(bytes[index + 1])
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "u"):
                guard index + 5 < bytes.count, let scalar = UInt32(String(decoding: bytes[(index + 2)...(index + 5)], as: UTF8.self), radix: 16),
                    let unicode = Unicode.Scalar(scalar)
                else { return nil }
                output.append(contentsOf: Array(String(Character(unicode)).utf8))
                index += 6
                continue
            default: return nil
            }
            index += 2
        }
        return output
    }
}
