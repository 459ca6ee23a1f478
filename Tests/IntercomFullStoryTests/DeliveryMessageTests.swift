import FlatJSON
import IntercomFullStory
import TestSupport
import WebhookFuzzing
import Testing

/// The delivery queue's message format: what the webhook writes, redelivery reads back exactly.
@Suite struct DeliveryMessageTests {
    static let handler = WebhookHandler(configuration: Fixtures.configuration)

    /// Every event the sample files produce, in each of its link variants.
    static var sampleEvents: [FullStoryEvent] {
        Fixtures.eventFiles.flatMap { file -> [FullStoryEvent] in
            guard let draft = handler.handle(event: Fixtures.event(file)).decision.draft else { return [] }
            let linked = draft.event(contactSessionAttribute: "https://app.fullstory.com/ui/o-1/session/111%3A222")
            var user = draft.event(contactSessionAttribute: nil)
            user.link = .user(uid: "backfilled-user")
            return [draft.event(contactSessionAttribute: nil), linked, linked.unlinked(), user]
        }
    }

    static func message(_ event: FullStoryEvent) -> DeliveryMessage {
        DeliveryMessage(
            event: event, origin: .init(topic: "conversation.admin.closed", notificationID: "notif_1", appID: "app-1"),
            reason: .fullStoryUnavailable, queuedAt: 1_796_000_000)
    }

    @Test func everySampleEventRoundTripsToTheSameRequestBytes() throws {
        let events = Self.sampleEvents
        #expect(events.count >= 16)
        for event in events {
            let decoded = try DeliveryMessage.decode(Self.message(event).encoded()).get()
            #expect(decoded == Self.message(event))
            #expect(decoded.event?.body() == event.body(), "\(event.name) \(event.link.label)")
            #expect(decoded.idempotencyKey == event.idempotencyKey)
        }
    }

    /// SQS refuses U+FFFE and U+FFFF in a message; a webhook may carry them (a tag, a teammate's name). The
    /// message holds them escaped, and reads back the same.
    @Test func charactersSQSRefusesAreWrittenEscaped() throws {
        let body = readFile(repositoryRoot + "/events/bodies/closed.json")
            .replacingFirst(#""name":"billing""#, with: "\"name\":\"bill\u{FFFE}ing\u{FFFF}\"")
        #expect(body.unicodeScalars.contains { $0.value == 0xFFFE }, "the raw character is in the webhook")
        let draft = try #require(Self.handler.handle(event: SignedEvents.restAPI(body: Array(body.utf8))).decision.draft)
        let message = Self.message(draft.event(contactSessionAttribute: nil))
        let text = message.encoded()
        #expect(WebhookFuzzing.sqsAccepts(text))
        #expect(text.contains(#"bill\ufffeing\uffff"#))
        #expect(try DeliveryMessage.decode(text).get() == message)
    }

    @Test func theMessageIsSmallVersionedJSON() throws {
        let event = try #require(Self.sampleEvents.first { $0.name == "Intercom Conversation Closed" })
        let text = Self.message(event).encoded()
        #expect(text.utf8.count < 4096, "\(text.utf8.count) bytes")
        let root = try JSONDocument(parsing: text).root
        #expect(root["type"]?.string == "intercom-fullstory.delivery")
        #expect(root["version"]?.int == 2)
        #expect(root["destination"]?.string == "fullstory")
        #expect(root["idempotency_key"]?.string == event.idempotencyKey)
        #expect(root["request", "name"]?.string == "Intercom Conversation Closed")
        #expect(root["origin", "topic"]?.string == "conversation.admin.closed")
        #expect(root["reason"]?.string == "fullstory_unavailable")
        #expect(root["queued_at"]?.string == "2026-11-30T00:53:20Z")
    }

    @Test func noMessageTextIsQueued() throws {
        for file in ["closed.json", "rated.json", "opened.json"] {
            let body = Fixtures.body(file)
            let draft = try #require(Self.handler.handle(event: Fixtures.restEvent(body: body)).decision.draft)
            let text = Self.message(draft.event(contactSessionAttribute: nil)).encoded()
            for message in RealSamplesTests.messageTexts(try JSONDocument(parsing: body).root) {
                #expect(!text.contains(message), "\(file) queues message text")
            }
        }
    }

    @Test func foreignAndDamagedMessagesAreTold() {
        let valid = Self.message(Self.sampleEvents[0]).encoded()
        func problem(_ text: String) -> DeliveryMessage.DecodingError? {
            if case .failure(let error) = DeliveryMessage.decode(text) { error } else { nil }
        }
        #expect(problem("Test message.") == .notJSON)
        #expect(problem(#"{"Message":"from SNS"}"#) == .notOurs)
        #expect(problem("[1,2]") == .notOurs)
        #expect(problem(valid.replacingFirst(#""version":2"#, with: #""version":3"#)) == .unsupportedVersion(3))
        #expect(problem(valid.replacingFirst(#""version":2"#, with: #""version":0"#)) == .invalid("version 0"))
        #expect(problem(valid.replacingFirst(#""reason":"fullstory_unavailable""#, with: #""reason":"bored""#)) == .invalid("reason"))
        // A request this function would not have written is not sent on its behalf.
        let request = DeliveryMessage.DecodingError.invalid("request is not a Create Event body this function writes")
        #expect(problem(valid.replacingFirst(#""request":{"#, with: #""request":{"context":{},"#)) == request)
        #expect(problem(valid.replacingFirst(#""properties":{"#, with: #""properties":{"n":1.5,"#)) == request)
        #expect(problem(valid.replacingFirst(#""properties":{"#, with: #""properties":{"nested":{},"#)) == request)
        #expect(problem(valid.replacingFirst(#""idempotency_key":""#, with: #""idempotency_key":" "#)) == .invalid("idempotency_key"))
    }

    @Test func bodiesThatBodyWouldNotWriteAreRefused() throws {
        for body in [
            #"{"name":"E","properties":{"n":1}}"#,  // a number not declared int
            #"{"name":"E","properties":{},"schema":{"properties":{"n":"int"}}}"#,  // declared, absent
            #"{"name":"E","properties":{},"session":{"id":"not a session"}}"#,
            #"{"name":"E","properties":{},"session":{"id":"1:2"},"user":{"uid":"u"}}"#,
            #"{"name":"E","properties":{},"session":{"use_most_recent":true}}"#,
            #"{"name":"E","properties":{},"timestamp":"yesterday"}"#,
            #"{"name":"","properties":{}}"#,
            #"{"properties":{}}"#,
            #"{"name":"E"}"#,
        ] {
            let root = try JSONDocument(parsing: body).root
            #expect(FullStoryEvent(decodingBody: root, idempotencyKey: "k", sessionSource: nil) == nil, "\(body)")
        }
        let user = try JSONDocument(parsing: #"{"name":"E","user":{"uid":"u"},"properties":{"on":true,"l":["a"]}}"#).root
        let decoded = try #require(FullStoryEvent(decodingBody: user, idempotencyKey: "k", sessionSource: nil))
        #expect(decoded.link == .user(uid: "u"))
        #expect(decoded.properties == [EventProperty("on", .bool(true)), EventProperty("l", .strings(["a"]))])
    }

    /// Intercom's retry is an optional member of version 2, written only when true: a message without it is the same
    /// bytes as before (older functions wrote it so), and one with it reads back with it; anything but a boolean there
    /// is not ours.
    @Test func aRetriedWebhooksMessageSaysSo() throws {
        let event = try #require(Self.sampleEvents.first)
        let plain = Self.message(event)
        #expect(!plain.encoded().contains("intercom_retry"))
        var retried = plain
        retried.intercomRetry = true
        let text = retried.encoded()
        #expect(text.hasPrefix(#"{"type":"intercom-fullstory.delivery","version":2,"#))
        #expect(text.hasSuffix(#""queued_at":"2026-11-30T00:53:20Z","intercom_retry":true}"#))
        #expect(try DeliveryMessage.decode(text).get() == retried)
        #expect(try DeliveryMessage.decode(plain.encoded()).get().intercomRetry == false)
        #expect(try DeliveryMessage.decode(text.replacingFirst(#""intercom_retry":true"#, with: #""intercom_retry":false"#)).get() == plain)
        #expect(DeliveryMessage.decode(text.replacingFirst(#""intercom_retry":true"#, with: #""intercom_retry":"yes""#)) == .failure(.invalid("intercom_retry")))
        // The committed version 2 example (written before the member existed) reads as a first attempt.
        let committed = String(decoding: Fixtures.read(Fixtures.root + "/Tests/Fixtures/messages/closed.v2.json"), as: UTF8.self)
        #expect(try DeliveryMessage.decode(committed).get().intercomRetry == false)
    }

    /// Messages written by version 1 stay readable: a queue may hold them for days across deployments, and
    /// what is redelivered is the request stored, byte for byte, whatever today's mapping would build.
    @Test(arguments: ["closed", "rated", "opened"])
    func committedVersion1MessagesDecodeToTheirStoredRequests(_ name: String) throws {
        let text = String(decoding: Fixtures.read(Fixtures.root + "/Tests/Fixtures/messages/\(name).v1.json"), as: UTF8.self)
        let message = try DeliveryMessage.decode(text).get()
        let event = try #require(message.event)
        #expect(String(decoding: event.body(), as: UTF8.self) == Self.member("request", of: text))
        let draft = try #require(Self.handler.handle(event: Fixtures.event("\(name).v1.json")).decision.draft)
        #expect(message.idempotencyKey == draft.event(contactSessionAttribute: nil).idempotencyKey)
        #expect(message.origin.notificationID == "notif_fixture-\(name)")
    }

    /// The text of an object member of a compact JSON document (strings skipped, so braces in them are safe).
    static func member(_ name: String, of text: String) -> String {
        let bytes = Array(text.utf8), marker = Array("\"\(name)\":".utf8)
        guard let start = (0...(bytes.count - marker.count)).first(where: { bytes[$0..<($0 + marker.count)].elementsEqual(marker) })
        else { return "" }
        var index = start + marker.count, depth = 0, inString = false, escaped = false
        let valueStart = index
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "{") {
                depth += 1
            } else if byte == UInt8(ascii: "}") {
                depth -= 1
                if depth == 0 { return String(decoding: bytes[valueStart...index], as: UTF8.self) }
            }
            index += 1
        }
        return ""
    }
}
