import FlatJSON
import Testing

@Suite struct JSONDocumentTests {
    @Test func readsNestedValues() throws {
        let document = try JSONDocument(
            parsing: #"{"a": {"b": [1, "two", true, null, {"c": -3.5}]}, "n": 12, "s": "x"}"#)
        let root = document.root
        let list = try #require(root["a", "b"])
        #expect(list.kind == .array)
        #expect(list.count == 5)
        let elements = Array(list.elements)
        #expect(elements[0].int == 1)
        #expect(elements[1].string == "two")
        #expect(elements[2].bool == true)
        #expect(elements[3].isNull)
        #expect(elements[4]["c"]?.double == -3.5)
        #expect(root["n"]?.int == 12)
        #expect(root["s"]?.string == "x")
        #expect(root["missing"] == nil)
        #expect(root["n"]?["x"] == nil)
        #expect(root["s"]?.int == nil)
        #expect(root.members.map(\.key) == ["a", "n", "s"])
    }

    @Test func decodesEscapes() throws {
        let document = try JSONDocument(parsing: #"{"k\"ey": "a\"b\\c\/d\n\t\u00e9\ud83d\ude00\ud800x"}"#)
        #expect(document.root["k\"ey"]?.string == "a\"b\\c/d\n\té😀\u{FFFD}x")
    }

    @Test func comparesStringsToLowercaseNamesInPlace() throws {
        let document = try JSONDocument(parsing: #"{"X-Hub-Signature": 1, "x-\u0041b": 2, "n": 3, "": 4}"#)
        let keys = document.root.members.withKeyValues.map(\.key)
        #expect(keys.count == 4)
        #expect(keys[0].isString(equalToLowercasedASCII: "x-hub-signature"))
        #expect(!keys[0].isString(equalToLowercasedASCII: "x-hub-signatur"))
        #expect(!keys[0].isString(equalToLowercasedASCII: "x-hub-signaturf"))
        #expect(keys[1].isString(equalToLowercasedASCII: "x-ab"))  // escaped: decoded first
        #expect(!keys[1].isString(equalToLowercasedASCII: "x-\\u0041b"))
        #expect(keys[3].isString(equalToLowercasedASCII: ""))
        #expect(document.root.members.withKeyValues.map { $0.value.int } == [1, 2, 3, 4])
        #expect(!(try #require(document.root["n"])).isString(equalToLowercasedASCII: "3"))
        #expect(Array(try #require(document.root["n"]).members.withKeyValues).isEmpty)
    }

    @Test func lastDuplicateKeyWins() throws {
        #expect(try JSONDocument(parsing: #"{"a": 1, "a": 2}"#).root["a"]?.int == 2)
    }

    @Test func integersAndTheirLimits() throws {
        let document = try JSONDocument(parsing: "[5, 5.0, 1e3, 5.5, 9223372036854775807, 9223372036854775808, -0]")
        #expect(document.root.elements.map(\.int) == [5, 5, 1000, nil, Int.max, nil, 0])
    }

    @Test(arguments: [
        "", " ", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "01", "1.", ".5", "-", "1e", "+1", "tru", "nul",
        "\"abc", "\"a\u{01}b\"", #""\x""#, #""\u12G4""#, "[1] 2", "{\"a\":1}}", "NaN", "'a'",
        String(repeating: "[", count: 65) + String(repeating: "]", count: 65),
    ])
    func rejectsInvalidDocuments(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONDocument(parsing: text) }
    }

    @Test func acceptsDepthAtTheLimit() throws {
        let depth = JSONDocument.maximumDepth
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(try JSONDocument(parsing: text).root.kind == .array)
    }

    @Test func reportsWhereParsingFailed() {
        #expect(throws: JSONParseError(reason: .unexpectedByte, offset: 7)) { try JSONDocument(parsing: #"{"a":1 x}"#) }
    }
}
