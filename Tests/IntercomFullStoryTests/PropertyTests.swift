import FlatJSON
import IntercomFullStory
import PropertyBased
import Testing

/// Random input never crashes the core and never produces an event without a valid signature.
@Suite struct PropertyTests {
    let handler = WebhookHandler(configuration: Fixtures.configuration)

    /// Mostly JSON punctuation and literals, sometimes any byte: random input that gets past the tokenizer's
    /// first characters often enough to be interesting.
    static let alphabet: [UInt8] = Array("{}[]\":,\\0123456789-.eEtrufalsn ".utf8)
    static let jsonishBytes = Gen.int(in: 0...(alphabet.count + 40)).map { index -> UInt8 in
        index < alphabet.count ? alphabet[index] : UInt8(truncatingIfNeeded: index &* 37)
    }
    static let printable = Gen.int(in: 32...126).map { UInt8($0) }.array(of: 0...80).map { String(decoding: $0, as: UTF8.self) }
    static let hexSignature = Gen.int(in: 0...15).map { Array("0123456789abcdef".utf8)[$0] }.array(of: 40).map {
        "sha1=" + String(decoding: $0, as: UTF8.self)
    }

    @Test func randomEventsNeverCrashOrDeliver() async {
        await propertyCheck(count: 400, input: Self.jsonishBytes.array(of: 0...300)) { bytes in
            let (decision, _) = handler.handle(event: bytes)
            #expect(decision.draft == nil)
        }
    }

    @Test func randomBodiesWithRandomSignaturesNeverDeliver() async {
        await propertyCheck(count: 200, input: Self.jsonishBytes.array(of: 0...400), Self.printable) { body, header in
            let (decision, _) = handler.handle(event: Fixtures.restEvent(body: body, signature: header))
            #expect(decision.draft == nil)
            #expect(decision.reply?.response.statusCode == 401)
        }
        await propertyCheck(count: 200, input: Self.jsonishBytes.array(of: 0...400), Self.hexSignature) { body, header in
            let (decision, _) = handler.handle(event: Fixtures.restEvent(body: body, signature: header))
            #expect(decision.draft == nil)
            #expect(decision.reply?.response.statusCode == 401)
        }
    }

    /// Every optional topic on, so that ticket and Fin decoding is reached too.
    static let allTopics = WebhookHandler(configuration: WebhookConfiguration(
        signature: .verify(secret: Array(Fixtures.testSecret.utf8)), extraTopics: Set(TopicTable.optionalTopics)))

    @Test(arguments: ["closed.json", "ticket-closed.json", "ticket-rated.json", "ticket-state-updated.json", "closed-by-fin.json"])
    func mutatedSignedNotificationsNeverCrash(_ file: String) async {
        let original = Fixtures.body(file)
        await propertyCheck(count: 300, input: Gen.int(in: 0...(original.count - 1)).array(of: 1...8), Gen.uint8(in: 0...127)) { positions, byte in
            var body = original
            for position in positions { body[position] = byte }
            // Correctly signed, so decoding is reached with damaged JSON. A JSON string in the event cannot carry
            // invalid UTF-8 unchanged: a body broken that way no longer matches its signature (401).
            let (decision, _) = Self.allTopics.handle(event: Fixtures.restEvent(body: body))
            let status = decision.statusIfDelivered
            let validUTF8 = String(validating: body, as: UTF8.self) != nil
            #expect(validUTF8 ? (status == 200 || status == 400) : status == 401, "status \(status)")
            if let draft = decision.draft {
                #expect((try? JSONDocument(parsing: draft.event(contactSessionAttribute: nil).body())) != nil)
            }
        }
    }

    @Test func randomHeaderNamesAndValuesNeverCrash() async {
        await propertyCheck(count: 300, input: Self.printable, Self.printable) { name, value in
            var writer = JSONWriter()
            writer.beginObject()
            writer.member("httpMethod", "POST")
            writer.key("headers")
            writer.beginObject()
            writer.member(name, value)
            writer.endObject()
            writer.member("body", #"{"type":"notification_event","topic":"ping","data":{"item":{"type":"ping"}}}"#)
            writer.endObject()
            let (decision, _) = handler.handle(event: writer.bytes)
            #expect(decision.draft == nil)
            #expect(decision.reply?.response.statusCode == 401)
        }
    }
}
