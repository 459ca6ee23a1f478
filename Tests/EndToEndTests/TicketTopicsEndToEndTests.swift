import FlatJSON
import TestSupport
import Testing

/// The optional topics (tickets, Fin) through the real bootstrap under the emulator.
@Suite(.serialized) struct TicketTopicsEndToEndTests {
    static let optionalTopics =
        "conversation.operator.replied, ticket.created,ticket.state.updated,ticket.resolved,ticket.closed,ticket.rating.provided"

    static let expectedEvents: [(file: String, name: String)] = ["v1", "v2"].flatMap { version in
        [
            ("ticket-created.\(version).json", "Intercom Ticket Created"),
            ("ticket-state-updated.\(version).json", "Intercom Ticket State Changed"),
            ("ticket-resolved.\(version).json", "Intercom Ticket Resolved"),
            ("ticket-closed.\(version).json", "Intercom Ticket Closed"),
            ("ticket-closed-legacy.\(version).json", "Intercom Ticket Resolved"),
            ("ticket-rated.\(version).json", "Intercom Ticket Rated"),
            ("fin-replied.\(version).json", "Intercom Conversation Fin Replied"),
            ("closed-by-fin.\(version).json", "Intercom Conversation Closed"),
        ]
    }

    @Test func everyNewTopicIsDeliveredWhenSwitchedOn() throws {
        let rig = try EndToEndTests.rig(environment: ["FULLSTORY_EVENT_TOPICS": Self.optionalTopics])
        defer { rig.shutdown() }
        for (file, name) in Self.expectedEvents {
            let before = rig.fullStory.requests.count
            let (response, _) = try rig.emulator.invoke(file: file)
            #expect(response.statusCode == 200, "\(file)")
            #expect(response.bodyJSON?["event"]?.string == name, "\(file)")
            let sent = rig.fullStory.requests[before...]
            #expect(sent.count == 1, "\(file)")
            let body = try JSONDocument(parsing: try #require(sent.first).body).root
            #expect(body["name"]?.string == name)
            // The ticket that carries its own session needs no lookup; the others were linked through the contact.
            #expect(body["session", "id"]?.string != nil, "\(file) is linked to a session")
        }
        let output = rig.shutdown()
        #expect(!output.contains("Export to CSV fails"), "ticket titles stay out of the log")
    }

    @Test func offByDefault() throws {
        let rig = try EndToEndTests.rig()
        defer { rig.shutdown() }
        for (file, _) in Self.expectedEvents where !file.hasPrefix("closed-by-fin") {
            let (response, _) = try rig.emulator.invoke(file: file)
            #expect(response.bodyJSON?["status"]?.string == "ignored", "\(file)")
        }
        #expect(rig.fullStory.requests.isEmpty)
    }
}
