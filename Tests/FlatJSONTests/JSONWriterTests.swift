import FlatJSON
import Testing

@Suite struct JSONWriterTests {
    @Test func writesCompactJSONWithSeparators() {
        var writer = JSONWriter()
        writer.beginObject()
        writer.member("a", 1)
        writer.key("b")
        writer.beginArray()
        writer.string("x")
        writer.bool(false)
        writer.null()
        writer.beginObject()
        writer.endObject()
        writer.endArray()
        writer.member("c", "y")
        writer.endObject()
        #expect(writer.string == #"{"a":1,"b":["x",false,null,{}],"c":"y"}"#)
    }

    /// U+FFFE and U+FFFF are valid in JSON but refused by SQS (and XML): written escaped, read back the same.
    @Test func nonCharactersAreEscaped() throws {
        let text = "a\u{FFFE}b\u{FFFF}c\u{FF01}\u{FFFD}\u{F8FF}\u{FEFF}long enough for the word-wise scan \u{FFFE}"
        var writer = JSONWriter()
        writer.string(text)
        #expect(writer.string == "\"a\\ufffeb\\uffffc\u{FF01}\u{FFFD}\u{F8FF}\u{FEFF}long enough for the word-wise scan \\ufffe\"")
        #expect(!writer.string.unicodeScalars.contains { $0.value == 0xFFFE || $0.value == 0xFFFF })
        var wrapped = JSONWriter()
        wrapped.beginObject()
        wrapped.member("k", text)
        wrapped.endObject()
        #expect(try JSONDocument(parsing: wrapped.bytes).root["k"]?.string == text)
    }

    @Test func escapedStringsRoundTrip() throws {
        let tricky = "quote\" backslash\\ newline\n tab\t bell\u{07} nul\u{00} é 😀 </script>"
        var writer = JSONWriter()
        writer.beginObject()
        writer.member(tricky, tricky)
        writer.endObject()
        let document = try JSONDocument(parsing: writer.bytes)
        #expect(document.root[tricky]?.string == tricky)
    }

    /// Every byte that needs an escape, at every offset of a string longer than the eight-byte scanning step.
    @Test(arguments: ["\"", "\\", "\n", "\r", "\t", "\u{00}", "\u{1F}", "\u{7F}"])
    func escapesAtEveryOffsetRoundTrip(special: String) throws {
        for offset in 0...20 {
            let text = String(repeating: "a", count: offset) + special + String(repeating: "é", count: 20 - offset)
            var writer = JSONWriter()
            writer.string(text)
            #expect(try JSONDocument(parsing: writer.bytes).root.string == text, "offset \(offset)")
        }
    }
}
