import IntercomFullStory
import Testing

@Suite struct IdempotencyKeyTests {
    let handler = WebhookHandler(configuration: Fixtures.configuration)

    @Test func redeliveriesShareTheKey() throws {
        let first = try #require(handler.handle(event: Fixtures.event("closed.v1.json")).decision.draft)
        let again = try #require(handler.handle(event: Fixtures.event("closed.v2.json")).decision.draft)
        #expect(first.idempotencyKey == again.idempotencyKey)
        // A redelivery has a higher delivery_attempts count but the same notification id.
        let redelivered = String(decoding: Fixtures.body("closed.json"), as: UTF8.self)
        let bumped = Array(redelivered.replacing("\"delivery_attempts\":1", with: "\"delivery_attempts\":2").utf8)
        let third = try #require(handler.handle(event: Fixtures.restEvent(body: bumped)).decision.draft)
        #expect(third.idempotencyKey == first.idempotencyKey)
    }

    @Test func keysDifferByNotificationAndEvent() {
        let a = IdempotencyKey.forNotification(id: "notif_1", eventName: "Intercom Conversation Closed")
        let b = IdempotencyKey.forNotification(id: "notif_2", eventName: "Intercom Conversation Closed")
        let c = IdempotencyKey.forNotification(id: "notif_1", eventName: "Intercom Conversation Rated")
        #expect(Set([a, b, c]).count == 3)
    }

    @Test func keysAreVersion5UUIDs() {
        let key = IdempotencyKey.forNotification(id: "notif_1", eventName: "E")
        let groups = key.split(separator: "-")
        #expect(groups.map(\.count) == [8, 4, 4, 4, 12])
        #expect(groups[2].first == "5")
        #expect("89ab".contains(groups[3].first ?? "x"))
    }

    @Test func withoutAnIDTheKeyComesFromTopicConversationAndTime() throws {
        let body = #"{"type":"notification_event","id":null,"topic":"conversation.admin.closed","created_at":1700000000,"data":{"item":{"type":"conversation","id":"42","conversation_parts":{"conversation_parts":[{"part_type":"close","created_at":1699999999}]}}}}"#
        let draft = try #require(handler.handle(event: Fixtures.restEvent(body: Array(body.utf8))).decision.draft)
        #expect(draft.idempotencyKey == IdempotencyKey.forConversation(topic: "conversation.admin.closed", conversationID: "42", moment: 1_699_999_999, eventName: "Intercom Conversation Closed"))
        let later = body.replacing("1699999999", with: "1700000500")
        let other = try #require(handler.handle(event: Fixtures.restEvent(body: Array(later.utf8))).decision.draft)
        #expect(other.idempotencyKey != draft.idempotencyKey)
    }
}
