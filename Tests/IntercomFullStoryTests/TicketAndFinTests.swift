import FlatJSON
import IntercomFullStory
import Testing

/// Tickets (both payload shapes) and Fin, through the core with the optional topics switched on.
@Suite struct TicketAndFinTests {
    static let optionalTopics: Set<String> = [
        "conversation.operator.replied", "ticket.created", "ticket.state.updated", "ticket.resolved", "ticket.closed",
        "ticket.rating.provided",
    ]
    static let configuration = WebhookConfiguration(
        signature: .verify(secret: Array(Fixtures.testSecret.utf8)), extraTopics: optionalTopics)
    static let handler = WebhookHandler(configuration: configuration)

    static func event(_ file: String, contactAttribute: String? = nil) throws -> FullStoryEvent {
        let draft = try #require(handler.handle(event: Fixtures.event(file)).decision.draft, "\(file) delivers")
        return draft.event(contactSessionAttribute: contactAttribute)
    }

    static func event(body text: String, topics: Set<String> = optionalTopics) throws -> FullStoryEvent? {
        let handler = WebhookHandler(configuration: WebhookConfiguration(
            signature: .verify(secret: Array(Fixtures.testSecret.utf8)), extraTopics: topics))
        return handler.handle(event: Fixtures.restEvent(body: Array(text.utf8))).decision.draft?.event(contactSessionAttribute: nil)
    }

    static func property(_ event: FullStoryEvent, _ name: String) -> EventPropertyValue? {
        event.properties.first { $0.name == name }?.value
    }

    struct Case: Sendable, CustomStringConvertible {
        var file: String
        var name: String
        var timestamp: String
        var state: String
        var description: String { file }
    }

    static let cases: [Case] = ["v1", "v2"].flatMap { version in
        [
            Case(file: "ticket-created.\(version).json", name: "Intercom Ticket Created", timestamp: "2026-01-11T06:44:28Z", state: "submitted"),
            Case(file: "ticket-state-updated.\(version).json", name: "Intercom Ticket State Changed", timestamp: "2026-01-11T06:50:50Z", state: "in_progress"),
            Case(file: "ticket-resolved.\(version).json", name: "Intercom Ticket Resolved", timestamp: "2026-01-12T06:40:00Z", state: "resolved"),
            Case(file: "ticket-closed.\(version).json", name: "Intercom Ticket Closed", timestamp: "2026-01-12T06:40:00Z", state: "resolved"),
            Case(file: "ticket-closed-legacy.\(version).json", name: "Intercom Ticket Resolved", timestamp: "2026-01-12T06:40:00Z", state: "resolved"),
            Case(file: "ticket-rated.\(version).json", name: "Intercom Ticket Rated", timestamp: "2026-01-13T10:26:40Z", state: "resolved"),
        ]
    }

    @Test(arguments: cases)
    func everyTicketTopicInItsShape(_ expected: Case) throws {
        let event = try Self.event(expected.file)
        #expect(event.name == expected.name)
        #expect(event.timestamp == expected.timestamp)
        #expect(Self.property(event, "ticket_id") == .string("215472629311235"))
        #expect(Self.property(event, "ticket_number") == .string("66040342"))
        #expect(Self.property(event, "ticket_type") == .string("Bug report"))
        #expect(Self.property(event, "ticket_category") == .string("Customer"))
        #expect(Self.property(event, "ticket_state_category") == .string(expected.state))
        #expect(Self.property(event, "intercom_app_id") == .string("abc123def"))
        #expect(
            Self.property(event, "ticket_url")
                == .string("https://app.intercom.com/a/inbox/abc123def/inbox/conversation/215472629311235"))
        #expect(Self.property(event, "contact_id") == .string("696346bbaebb5a479d3851a3"))
        #expect(Self.property(event, "teammate_id") == .string("9608799"))
        #expect(Self.property(event, "linked_conversation_id") == .string("215472629300001"))
        #expect(Self.property(event, "team_id") == nil, "\"0\" is no team")
        let body = String(decoding: event.body(), as: UTF8.self)
        for text in ["Export to CSV fails", "download stops", "We can reproduce it"] {
            #expect(!body.contains(text), "the ticket's text stays out of FullStory")
        }
    }

    @Test func theClosedShapeDecidesTheEventAndTheKey() throws {
        let nested = try Self.event("ticket-closed.v1.json")
        let legacy = try Self.event("ticket-closed-legacy.v1.json")
        #expect(nested.name == "Intercom Ticket Closed", "2.15+: the conversation behind the ticket closed")
        #expect(legacy.name == "Intercom Ticket Resolved", "before 2.15, ticket.closed meant resolved")
        #expect(legacy.idempotencyKey == IdempotencyKey.forNotification(
            id: "notif_5a1e2b3c-0005-4f00-9a00-7ticket00005", eventName: "Intercom Ticket Resolved"))
        #expect(Self.property(legacy, "intercom_topic") == .string("ticket.closed"))
    }

    @Test func aStateChangeNamesItsTeammateAndLabel() throws {
        let event = try Self.event("ticket-state-updated.v2.json")
        #expect(Self.property(event, "ticket_state") == .string("In progress"))
        #expect(Self.property(event, "teammate_name") == .string("John Doe"), "the author of the state change")
        #expect(Self.property(event, "teammate_type") == .string("admin"))
    }

    @Test func aTicketRatingIsAnIntegerWithItsRemark() throws {
        let event = try Self.event("ticket-rated.v1.json")
        #expect(Self.property(event, "rating") == .int(5))
        #expect(Self.property(event, "remark") == .string("Fixed within a day, thank you"))
        let root = try JSONDocument(parsing: event.body()).root
        #expect(root["schema", "properties", "rating"]?.string == "int")
        // The rating may also come as members of the ticket itself (undocumented), or not at all.
        let topLevel = #"{"type":"notification_event","app_id":"a","topic":"ticket.rating.provided","id":"notif_r","data":{"item":{"type":"ticket","id":7,"rating":3,"remark":"ok","updated_at":1768300000,"admin_assignee_id":12}}}"#
        let rated = try #require(try Self.event(body: topLevel))
        #expect(Self.property(rated, "rating") == .int(3))
        #expect(Self.property(rated, "remark") == .string("ok"))
        #expect(Self.property(rated, "ticket_id") == .string("7"), "numeric ids are read as text")
        #expect(Self.property(rated, "teammate_id") == .string("12"))
        #expect(rated.timestamp == "2026-01-13T10:26:40Z")
        let unrated = #"{"type":"notification_event","topic":"ticket.rating.provided","id":"notif_u","data":{"item":{"type":"ticket","id":"8","ticket_state":"resolved","contacts":null,"ticket_type":null}}}"#
        let bare = try #require(try Self.event(body: unrated))
        #expect(Self.property(bare, "rating") == nil)
        #expect(Self.property(bare, "ticket_state") == .string("resolved"), "a plain-string state (before 2.14)")
        #expect(bare.link == .unlinked)
    }

    @Test func ticketsLinkTheirSessionLikeConversations() throws {
        // 1. the ticket's own attribute; 2. the contact's (from the lookup); 3. external_id; 4. unlinked.
        let created = try Self.event("ticket-created.v1.json")
        #expect(created.link == .session(try #require(FullStorySessionID(parsing: "5629499534213120:6392134624958464")), source: .ticketAttribute))
        let draft = try #require(Self.handler.handle(event: Fixtures.event("ticket-resolved.v1.json")).decision.draft)
        #expect(draft.wantsContactLookup)
        #expect(draft.contactID == "696346bbaebb5a479d3851a3")
        #expect(draft.event(contactSessionAttribute: "1:2").link == .session(try #require(FullStorySessionID(parsing: "1:2")), source: .contactAttribute))
        #expect(draft.event(contactSessionAttribute: nil).link == .mostRecentSessionOfUser(uid: "f7c0bc1e-5ee2-46a0-b11a-ea473d1101a5"))
        let noContact = #"{"type":"notification_event","topic":"ticket.created","id":"notif_n","data":{"item":{"type":"ticket","id":"9","contacts":{"type":"contact.list","contacts":[]}}}}"#
        #expect(try Self.event(body: noContact)?.link == .unlinked)
    }

    @Test func aTicketNotificationWithoutATicketIs400() {
        let body = #"{"type":"notification_event","topic":"ticket.created","data":{"item":{"type":"ticket"}}}"#
        let reply = Self.handler.handle(event: Fixtures.restEvent(body: Array(body.utf8))).decision.reply
        #expect(reply?.response.statusCode == 400)
        #expect(reply?.reason == "ticket.created without a ticket id")
    }

    @Test func ticketTopicsAreOffByDefault() {
        let handler = WebhookHandler(configuration: Fixtures.configuration)
        for file in Self.cases.map(\.file) + ["fin-replied.v1.json"] {
            #expect(handler.handle(event: Fixtures.event(file)).decision.reply?.outcome == .ignored, "\(file)")
        }
    }

    // MARK: Fin

    @Test func finRepliesAreAnOptionalEvent() throws {
        let event = try Self.event("fin-replied.v1.json")
        #expect(event.name == "Intercom Conversation Fin Replied")
        #expect(event.timestamp == "2026-01-10T08:41:40Z", "the reply's time")
        #expect(Self.property(event, "teammate_name") == .string("Fin"))
        #expect(Self.property(event, "teammate_type") == .string("bot"))
        #expect(!String(decoding: event.body(), as: UTF8.self).contains("download past invoices"), "no reply text")
    }

    @Test func closedAndRatedCarryFinsOutcomeWhenPresent() throws {
        let byFin = try Self.event("closed-by-fin.v2.json")
        #expect(Self.property(byFin, "ai_agent_participated") == .bool(true))
        #expect(Self.property(byFin, "ai_agent_resolution_state") == .string("confirmed_resolution"))
        #expect(Self.property(byFin, "ai_agent_rating") == .int(5))
        #expect(Self.property(byFin, "teammate_type") == .string("bot"), "Fin closed it")
        let root = try JSONDocument(parsing: byFin.body()).root
        #expect(root["schema", "properties", "ai_agent_rating"]?.string == "int")
        #expect(root["properties", "ai_agent_participated"]?.bool == true, "a JSON boolean")
        #expect(!String(decoding: byFin.body(), as: UTF8.self).contains("It found the right article"), "Fin's rating remark stays out")

        // Null: participation false is a fact and is sent; no ai_agent object, no outcome.
        let person = try Self.event("closed.v1.json")
        #expect(Self.property(person, "ai_agent_participated") == .bool(false))
        #expect(Self.property(person, "ai_agent_resolution_state") == nil)
        #expect(Self.property(person, "ai_agent_rating") == nil)
        let rated = try Self.event("rated.v1.json")
        #expect(Self.property(rated, "ai_agent_participated") == .bool(false))
        // Absent (1.x payloads, older versions): nothing.
        let oneX = try RealSamplesTests.draft(Fixtures.notification("conversation.admin.closed.1x-user-assignee.json"))
            .event(contactSessionAttribute: nil)
        #expect(oneX.properties.allSatisfy { !$0.name.hasPrefix("ai_agent") })
        // Null members: nothing either.
        let nulls = #"{"type":"notification_event","topic":"conversation.admin.closed","id":"notif_f","data":{"item":{"type":"conversation","id":"1","ai_agent_participated":null,"ai_agent":{"resolution_state":null,"rating":null}}}}"#
        let event = try #require(try Self.event(body: nulls, topics: []))
        #expect(event.properties.allSatisfy { !$0.name.hasPrefix("ai_agent") })
    }

    @Test func noMessageTextInAnySampleBody() throws {
        for file in Fixtures.list(Fixtures.root + "/events/bodies", suffix: ".json") {
            let body = Fixtures.body(file)
            guard let event = Self.handler.handle(event: Fixtures.restEvent(body: body)).decision.draft?.event(contactSessionAttribute: nil)
            else { continue }
            let sent = String(decoding: event.body(), as: UTF8.self)
            for text in RealSamplesTests.messageTexts(try JSONDocument(parsing: body).root) {
                #expect(!sent.contains(text), "\(file) sends \(text.prefix(24))")
            }
        }
    }
}
