import FlatJSON
import ISO8601Format
import IntercomFullStory
import TestSupport
import Testing

@Suite struct EventMappingTests {
    let handler = WebhookHandler(configuration: Fixtures.configuration)

    func event(_ file: String) throws -> FullStoryEvent {
        try #require(handler.handle(event: Fixtures.event(file)).decision.draft).event(contactSessionAttribute: nil)
    }

    func property(_ event: FullStoryEvent, _ name: String) -> EventPropertyValue? {
        event.properties.first { $0.name == name }?.value
    }

    @Test func defaultTopicTable() {
        let defaults = TopicTable.routes.filter(\.enabledByDefault).map { "\($0.topic)=\($0.eventName)" }
        #expect(defaults == [
            "conversation.user.created=Intercom Conversation Opened",
            "conversation.admin.closed=Intercom Conversation Closed",
            "conversation.rating.added=Intercom Conversation Rated",
        ])
        #expect(Set(TopicTable.optionalTopics) == [
            "conversation.user.replied", "conversation.admin.replied", "conversation.admin.assigned",
            "conversation.admin.snoozed", "conversation.admin.opened", "conversation.operator.replied",
            "ticket.created", "ticket.state.updated", "ticket.resolved", "ticket.closed", "ticket.rating.provided",
        ])
    }

    @Test func closedEventProperties() throws {
        let closed = try event("closed.v1.json")
        #expect(closed.timestamp == "2026-01-10T09:00:00Z")  // the close part's time
        #expect(property(closed, "conversation_id") == .string("215472621202693"))
        #expect(property(closed, "intercom_app_id") == .string("abc123def"))
        #expect(property(closed, "conversation_url") == .string("https://app.intercom.com/a/inbox/abc123def/inbox/conversation/215472621202693"))
        #expect(property(closed, "contact_id") == .string("696205460674dbb9050aa7fd"))
        #expect(property(closed, "page_url") == .string("http://localhost:5500/test.html"))
        #expect(property(closed, "teammate_id") == .string("9608799"))
        #expect(property(closed, "teammate_name") == .string("John Doe"))
        #expect(property(closed, "tags") == .strings(["billing", "vip"]))
        #expect(property(closed, "priority") == .string("priority"))
        #expect(property(closed, "time_to_first_close") == .int(3811))
        #expect(property(closed, "handling_time") == .int(640))
        #expect(property(closed, "time_to_assignment") == .int(211))
        #expect(property(closed, "rating") == nil)
    }

    @Test func integersAreDeclaredInTheSchema() throws {
        let root = try JSONDocument(parsing: try event("rated.v1.json").body()).root
        #expect(root["properties", "rating"]?.int == 4)
        #expect(root["schema", "properties", "rating"]?.string == "int")
        #expect(root["schema", "properties", "time_to_assignment"]?.string == "int")
        #expect(root["schema", "properties", "remark"] == nil)
    }

    @Test func ratedEventUsesTheRatingTimeAndRemark() throws {
        let rated = try event("rated.v1.json")
        #expect(rated.timestamp == "2026-01-10T09:09:50Z")
        #expect(property(rated, "rating") == .int(4))
        #expect(property(rated, "remark") == .string("Quick and friendly"))
        #expect(property(rated, "teammate_id") == .string("9608799"))
    }

    @Test func openedEventUsesTheCreationTime() throws {
        let opened = try event("opened.v1.json")
        #expect(opened.timestamp == "2026-01-10T07:56:29Z")
        // The query string is not sent by default: it holds tokens and personal data on many sites.
        #expect(property(opened, "page_url") == .string("https://shop.example.com/checkout"))
        #expect(property(opened, "teammate_id") == nil)
    }

    @Test func thePageURLQueryIsSentOnlyWhenKept() throws {
        var configuration = Fixtures.configuration
        configuration.pageURLPolicy = .keep
        let keeping = WebhookHandler(configuration: configuration)
        let opened = try #require(keeping.handle(event: Fixtures.event("opened.v1.json")).decision.draft).event(
            contactSessionAttribute: nil)
        #expect(property(opened, "page_url") == .string("https://shop.example.com/checkout?step=payment"))
    }

    @Test func closedWithoutAClosePartFallsBackToAssigneeAndNotificationTime() throws {
        let body = #"{"type":"notification_event","id":"notif_x","app_id":"app","topic":"conversation.admin.closed","created_at":1700000000,"data":{"item":{"type":"conversation","id":"42","admin_assignee_id":77,"teammates":{"type":"admin.list","admins":[{"type":"admin","id":"77","name":"Ann"}]}}}}"#
        let draft = try #require(handler.handle(event: Fixtures.restEvent(body: Array(body.utf8))).decision.draft)
        let closed = draft.event(contactSessionAttribute: nil)
        #expect(closed.timestamp == "2023-11-14T22:13:20Z")
        #expect(property(closed, "teammate_id") == .string("77"))
        #expect(property(closed, "teammate_name") == .string("Ann"))
    }

    @Test func timestampsBeyondFourDigitYearsAreLeftOut() throws {
        for createdAt in ["253402300800", "1000000000000000", #""99999999999999""#, "-5"] {
            let body = #"{"type":"notification_event","id":"n","topic":"conversation.admin.closed","created_at":\#(createdAt),"data":{"item":{"type":"conversation","id":"1"}}}"#
            let draft = try #require(handler.handle(event: Fixtures.restEvent(body: Array(body.utf8))).decision.draft)
            #expect(draft.event(contactSessionAttribute: nil).timestamp == nil, "created_at \(createdAt)")
        }
    }

    @Test func ratingMayArriveInManyShapes() throws {
        for rating in ["null", "{}", #"{"rating":null,"remark":null}"#, #"{"rating":"five"}"#] {
            let body = #"{"type":"notification_event","id":"n","topic":"conversation.rating.added","data":{"item":{"type":"conversation","id":"1","conversation_rating":\#(rating)}}}"#
            let draft = try #require(handler.handle(event: Fixtures.restEvent(body: Array(body.utf8))).decision.draft)
            #expect(!draft.event(contactSessionAttribute: nil).properties.contains { $0.name == "rating" })
        }
    }

    @Test func timestampsAreISO8601UTC() {
        #expect(ISO8601.format(unixSeconds: 0) == "1970-01-01T00:00:00Z")
        #expect(ISO8601.format(unixSeconds: 1_768_035_600) == "2026-01-10T09:00:00Z")
        #expect(ISO8601.format(unixSeconds: 951_782_400) == "2000-02-29T00:00:00Z")
        #expect(ISO8601.format(unixSeconds: 1_768_035_600, milliseconds: 7) == "2026-01-10T09:00:00.007Z")
        #expect(ISO8601.format(unixSeconds: 1_768_035_659, milliseconds: 999) == "2026-01-10T09:00:59.999Z")
        #expect(ISO8601.format(unixSeconds: ISO8601.latestFourDigitYearSecond) == "9999-12-31T23:59:59Z")
        #expect(ISO8601.parse("2026-01-10T07:56:29.000Z") == 1_768_031_789)
        #expect(ISO8601.parse("2026-01-10T04:22:28.240+00:00") == 1_768_018_948)
        #expect(ISO8601.parse("2026-01-10T06:22:28+02:00") == 1_768_018_948)
        #expect(ISO8601.parse("2026-13-10T07:56:29Z") == nil)
        #expect(ISO8601.parse("yesterday") == nil)
    }

    @Test func roundTripsDates() {
        for seconds in stride(from: 0, to: 4_102_444_800, by: 86_399 * 37) {
            #expect(ISO8601.parse(ISO8601.format(unixSeconds: seconds)) == seconds)
        }
    }
}

/// One bot reply, one event: Intercom has been reported to deliver a bot's reply under both
/// `conversation.admin.replied` and `conversation.operator.replied`. Whichever brings it, it is the same Fin Replied
/// event, with the same body and a key derived from the conversation part, so FullStory records it once. A
/// teammate's reply stays Admin Replied; only the reply topics derive their keys from the part.
@Suite struct BotReplyTests {
    let handler = WebhookHandler(
        configuration: WebhookConfiguration(
            signature: .verify(secret: Array(SignedEvents.testSecret.utf8)),
            extraTopics: ["conversation.admin.replied", "conversation.operator.replied", "conversation.user.replied"]))

    /// The Fin reply sample, delivered under `topic` with notification `id`; `author` replaces the part's author type.
    func event(
        topic: String, id: String, author: String = "bot", partID: Bool = true, handler: WebhookHandler? = nil
    ) throws -> FullStoryEvent {
        var body = String(decoding: Fixtures.body("fin-replied.json"), as: UTF8.self)
            .replacingFirst(#""topic":"conversation.operator.replied""#, with: #""topic":"\#(topic)""#)
            .replacingFirst("notif_5a1e2b3c-0007-4f00-9a00-7finreplied1", with: id)
            .replacingFirst(#""type":"bot""#, with: #""type":"\#(author)""#)
        if !partID { body = body.replacingFirst(#""id":"37358198900","#, with: "") }
        let decision = (handler ?? self.handler).handle(event: SignedEvents.restAPI(body: Array(body.utf8))).decision
        return try #require(decision.draft, "\(topic)").event(contactSessionAttribute: nil)
    }

    @Test func aBotsReplyIsOneEventWhicheverTopicBringsIt() throws {
        let asOperator = try event(topic: "conversation.operator.replied", id: "notif_operator")
        let asAdmin = try event(topic: "conversation.admin.replied", id: "notif_admin")
        #expect(asOperator.name == "Intercom Conversation Fin Replied")
        #expect(asAdmin.name == asOperator.name)
        #expect(asAdmin.body() == asOperator.body(), "the same body")
        #expect(asAdmin.idempotencyKey == asOperator.idempotencyKey, "the same key")
        #expect(asAdmin.properties.first { $0.name == "intercom_topic" }?.value == .string("conversation.operator.replied"))
        #expect(asOperator.idempotencyKey
            == IdempotencyKey.forPart(conversationID: "215472621202693", partID: "37358198900", eventName: "Intercom Conversation Fin Replied"))
    }

    @Test func aTeammatesReplyStaysAdminReplied() throws {
        let reply = try event(topic: "conversation.admin.replied", id: "notif_admin", author: "admin")
        #expect(reply.name == "Intercom Conversation Admin Replied")
        #expect(reply.properties.first { $0.name == "intercom_topic" }?.value == .string("conversation.admin.replied"))
        // Intercom's redelivery of the same part under another notification keeps the key.
        #expect(try event(topic: "conversation.admin.replied", id: "notif_other", author: "admin").idempotencyKey == reply.idempotencyKey)
    }

    /// Without the part's id, the part's moment under the event's own topic keys it: still one event.
    @Test func aBotsReplyWithoutAPartIDIsStillOneEvent() throws {
        let asOperator = try event(topic: "conversation.operator.replied", id: "notif_operator", partID: false)
        let asAdmin = try event(topic: "conversation.admin.replied", id: "notif_admin", partID: false)
        #expect(asAdmin.idempotencyKey == asOperator.idempotencyKey)
        #expect(asOperator.idempotencyKey == IdempotencyKey.forConversation(
            topic: "conversation.operator.replied", conversationID: "215472621202693", moment: 1_768_034_500,
            eventName: "Intercom Conversation Fin Replied"))
    }

    /// When only `conversation.admin.replied` is forwarded, a bot's reply it brings stays Admin Replied (the bot-reply
    /// topic never arrives, so nothing is duplicated, and no goal of an unforwarded topic appears).
    @Test func withoutTheBotReplyTopicABotsReplyStaysAdminReplied() throws {
        let adminOnly = WebhookHandler(
            configuration: WebhookConfiguration(
                signature: .verify(secret: Array(SignedEvents.testSecret.utf8)), extraTopics: ["conversation.admin.replied"]))
        let reply = try event(topic: "conversation.admin.replied", id: "notif_admin", handler: adminOnly)
        #expect(reply.name == "Intercom Conversation Admin Replied")
        #expect(reply.idempotencyKey
            == IdempotencyKey.forPart(conversationID: "215472621202693", partID: "37358198900", eventName: "Intercom Conversation Admin Replied"))
    }

    @Test func onlyTheReplyTopicsDeriveTheirKeysFromThePart() {
        let byPart = Set(TopicTable.routes.filter { $0.key == .part }.map(\.topic))
        #expect(byPart == ["conversation.user.replied", "conversation.admin.replied", "conversation.operator.replied"])
    }
}
