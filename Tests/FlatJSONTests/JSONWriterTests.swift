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
