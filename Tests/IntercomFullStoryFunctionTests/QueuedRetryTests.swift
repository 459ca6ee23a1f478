import IntercomFullStory
import IntercomFullStoryFunction
import TestSupport
import Testing

/// A webhook that was Intercom's retry keeps that fact in the queue: when its redelivery meets FullStory's answer
/// to a key reused with another body (an earlier attempt recorded the event, on the session it found then), the
/// event counts as delivered, as the webhook path counts it, not as a refusal.
@Suite(.serialized) struct QueuedRetryTests {
    @Test func aQueuedRetryMeetingTheKeyReuseAnswerIsDelivered() throws {
        // The first attempt is recorded; the retry's four tries meet an outage.
        let down = StandInServer.Reply.json(503, #"{"code":"unavailable","message":"down"}"#)
        let fullStory = try FullStoryStandIn(script: [2: down, 3: down, 4: down, 5: down])
        let rig = try PinningDeliveryTests.rig(fullStory: fullStory, queue: "retry-key-reuse", pinning: false)
        defer { rig.shutdown() }
        rig.intercom.setContactAttribute(NotificationSamples.contactID, "fs_session_id", "111:222")
        #expect(rig.webhook(NotificationSamples.opened(attempt: 1)).reply.outcome == .delivered)
        // The customer's session changed before Intercom retried: the retry's body names another session.
        rig.intercom.setContactAttribute(NotificationSamples.contactID, "fs_session_id", "333:444")
        let retry = rig.webhook(NotificationSamples.opened(attempt: 2))
        #expect(retry.report?.attempts == 4)
        #expect(retry.reply.response.statusCode == 200 && retry.queued != nil)
        let queued = try rig.queued()
        #expect(queued.count == 1 && queued.first?.contains(#""intercom_retry":true"#) == true)

        let (failures, metrics) = try rig.redeliver(queued)
        #expect(failures.isEmpty)
        #expect(metrics[.redelivered] == 1 && metrics[.rejected] == 0)
        #expect(rig.fullStory.recorded.count == 1, "FullStory kept the first attempt's event")
        #expect(!rig.log.contains("FullStory refused the redelivered event"))
    }

    /// A first attempt's queued event carries no flag, and the same answer stays a refusal (FullStory holds another
    /// event under the key: something is wrong).
    @Test func aQueuedFirstAttemptMeetingTheKeyReuseAnswerIsRejected() throws {
        let rig = try PinningDeliveryTests.rig(queue: "first-key-reuse", pinning: false)
        defer { rig.shutdown() }
        rig.intercom.setContactAttribute(NotificationSamples.contactID, "fs_session_id", "111:222")
        #expect(rig.webhook(NotificationSamples.opened(attempt: 1)).reply.outcome == .delivered)
        let message = try #require(try? DeliveryMessage.decode(Self.message(session: "333:444")).get())
        #expect(!message.intercomRetry)
        let (failures, metrics) = try rig.redeliver([Self.message(session: "333:444")])
        #expect(failures.isEmpty)
        #expect(metrics[.rejected] == 1 && metrics[.redelivered] == 0)
    }

    /// A bot's reply delivered under both reply topics, the second time with another body (the customer's session
    /// changed in between): FullStory's refusal of the shared key means the reply was recorded, so the second counts
    /// as delivered, not as a refusal; FullStory holds one event.
    @Test func aBotReplyUnderTheSecondTopicWithAnotherBodyIsDelivered() throws {
        let rig = try PinningDeliveryTests.rig(
            queue: "bot-reply-twice", pinning: false,
            environment: ["FULLSTORY_EVENT_TOPICS": "conversation.admin.replied,conversation.operator.replied"])
        defer { rig.shutdown() }
        rig.intercom.setContactAttribute(NotificationSamples.contactID, "fs_session_id", "111:222")
        let first = rig.webhook(Self.finReply(topic: "conversation.operator.replied", notification: "notif_operator"))
        #expect(first.reply.outcome == .delivered)
        rig.intercom.setContactAttribute(NotificationSamples.contactID, "fs_session_id", "333:444")
        let second = rig.webhook(Self.finReply(topic: "conversation.admin.replied", notification: "notif_admin"))
        #expect(second.reply.outcome == .delivered)
        let metrics = InvocationMetrics(webhook: second)
        #expect(metrics[.delivered] == 1 && metrics[.rejected] == 0)
        #expect(rig.fullStory.recorded.map(\.name) == ["Intercom Conversation Fin Replied"], "recorded once")
        #expect(try rig.queued().isEmpty)
    }

    static func finReply(topic: String, notification: String) -> String {
        readFile(repositoryRoot + "/events/bodies/fin-replied.json")
            .replacingFirst(#""topic":"conversation.operator.replied""#, with: #""topic":"\#(topic)""#)
            .replacingFirst("notif_5a1e2b3c-0007-4f00-9a00-7finreplied1", with: notification)
    }

    /// The sample Opened event under the first attempt's key, on `session`, as a queued first attempt.
    static func message(session: String) -> String {
        let key = IdempotencyKey.forNotification(id: "notif_pin-1", eventName: "Intercom Conversation Opened")
        let body = #"{"name":"Intercom Conversation Opened","timestamp":"2026-01-10T07:56:29Z","session":{"id":"\#(session)"},"properties":{"conversation_id":"215472621202693"}}"#
        return #"{"type":"intercom-fullstory.delivery","version":2,"destination":"fullstory","idempotency_key":"\#(key)","request":\#(body),"origin":{"topic":"conversation.user.created","notification_id":"notif_pin-1"},"session_source":"contact_attribute","reason":"fullstory_unavailable","queued_at":"2026-12-01T08:00:00Z"}"#
    }
}
