import FlatJSON
import IntercomFullStory
import Testing

/// The events/ folder, end to end through the core: status, event name and session link of each file.
@Suite struct SampleEventsTests {
    struct Expectation: Sendable, CustomStringConvertible {
        var file: String
        var status: Int
        var eventName: String?
        var link: String?
        var description: String { file }
    }

    static let expectations: [Expectation] = ["v1", "v2"].flatMap { version in
        [
            Expectation(file: "closed.\(version).json", status: 200, eventName: "Intercom Conversation Closed", link: "user.uid + most recent session"),
            Expectation(file: "rated.\(version).json", status: 200, eventName: "Intercom Conversation Rated", link: "session (conversation_attribute)"),
            Expectation(file: "opened.\(version).json", status: 200, eventName: "Intercom Conversation Opened", link: "unlinked"),
            Expectation(file: "ping.\(version).json", status: 200),
            Expectation(file: "ignored-topic.\(version).json", status: 200),
            Expectation(file: "bad-signature.\(version).json", status: 401),
            Expectation(file: "head.\(version).json", status: 200),
        ]
    } + [Expectation(file: "closed-base64.v1.json", status: 200, eventName: "Intercom Conversation Closed", link: "user.uid + most recent session")]
        + ["v1", "v2"].flatMap { version in
            [
                Expectation(file: "closed-by-fin.\(version).json", status: 200, eventName: "Intercom Conversation Closed", link: "user.uid + most recent session"),
                // Optional topics: ignored until FULLSTORY_EVENT_TOPICS lists them (see TicketAndFinTests).
                Expectation(file: "fin-replied.\(version).json", status: 200),
                Expectation(file: "ticket-created.\(version).json", status: 200),
                Expectation(file: "ticket-state-updated.\(version).json", status: 200),
                Expectation(file: "ticket-resolved.\(version).json", status: 200),
                Expectation(file: "ticket-closed.\(version).json", status: 200),
                Expectation(file: "ticket-closed-legacy.\(version).json", status: 200),
                Expectation(file: "ticket-rated.\(version).json", status: 200),
            ]
        }

    @Test func everyEventFileHasAnExpectation() {
        #expect(Set(Fixtures.eventFiles) == Set(Self.expectations.map(\.file)))
    }

    @Test(arguments: expectations)
    func eventFile(_ expected: Expectation) throws {
        let handler = WebhookHandler(configuration: Fixtures.configuration)
        let (decision, summary) = handler.handle(event: Fixtures.event(expected.file))
        #expect(decision.statusIfDelivered == expected.status)
        #expect(summary.requestID != nil)
        let event = decision.draft?.event(contactSessionAttribute: nil)
        #expect(event?.name == expected.eventName)
        #expect(event?.link.label == expected.link)
        if let event {
            // Every body we would send is a valid CreateEventRequest-shaped JSON object with a name.
            let body = try JSONDocument(parsing: event.body())
            #expect(body.root["name"]?.string == expected.eventName)
        }
    }

    @Test func bothPayloadVersionsGiveTheSameEvent() {
        let handler = WebhookHandler(configuration: Fixtures.configuration)
        for name in ["closed", "rated", "opened"] {
            let v1 = handler.handle(event: Fixtures.event("\(name).v1.json")).decision.draft?.event(contactSessionAttribute: nil)
            let v2 = handler.handle(event: Fixtures.event("\(name).v2.json")).decision.draft?.event(contactSessionAttribute: nil)
            #expect(v1 != nil)
            #expect(v1 == v2)
        }
    }
}
