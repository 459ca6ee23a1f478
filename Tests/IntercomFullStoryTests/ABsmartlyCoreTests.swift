import FlatJSON
import ISO8601Format
import IntercomFullStory
import TestSupport
import Testing

/// The ABsmartly destination's pure parts: the unit's hash, the goal's name, moment and properties, the publish
/// body and its reading back, the Collector's answers, and the queue message that names its destination.
@Suite struct ABsmartlyCoreTests {
    /// ABsmartly's Java SDK's test vectors (../shared/reference/absmartly-collector.md §1.4).
    @Test func unitsAreHashedAsTheSDKsHashThem() {
        #expect(ABsmartlyUnit.hashed("testy") == "K5I_V6RgP8c6sYKz-TVn8g")
        #expect(ABsmartlyUnit.hashed("4a42766ca6313d26f49985e799ff4f3790fb86efa0fce46edb3ea8fbf1ea3408") == "H2jvj6o9YcAgNdhKqEbtWw")
        #expect(ABsmartlyUnit.hashed("  testy\t") == "K5I_V6RgP8c6sYKz-TVn8g", "trimmed first, as the SDKs do")
        #expect(ABsmartlyUnit.hashed("") == nil && ABsmartlyUnit.hashed("   ") == nil)
        #expect(ABsmartlyUnit.hashed("bleh@absmartly.com")?.utf8.count == 22)
        #expect(ABsmartlyUnit.hashed("é")?.contains("=") == false)
    }

    @Test func goalsAreNamedAfterTheEvent() {
        #expect(ABsmartlyGoal.name(forEvent: "Intercom Conversation Closed") == "intercom_conversation_closed")
        #expect(ABsmartlyGoal.name(forEvent: "Intercom Ticket Created") == "intercom_ticket_created")
        #expect(ABsmartlyGoal.name(forEvent: "Intercom Conversation Fin Replied") == "intercom_conversation_fin_replied")
        for route in TopicTable.routes {
            let name = ABsmartlyGoal.name(forEvent: route.eventName)
            #expect(name.allSatisfy { $0.isLowercase || $0 == "_" }, "\(name)")
        }
    }

    static func draft(_ name: String) throws -> EventDraft {
        let handler = WebhookHandler(configuration: Fixtures.configuration)
        return try #require(handler.handle(event: SignedEvents.restAPI(body: Fixtures.body(name + ".json"))).decision.draft)
    }

    @Test func theGoalIsTheEventsMomentAndPropertiesWithoutPersonalData() throws {
        let rated = try Self.draft("rated")
        let goal = try #require(ABsmartlyGoal(draft: rated))
        #expect(goal.name == "intercom_conversation_rated")
        #expect(goal.achievedAtMilliseconds == Int64(try #require(rated.momentSeconds)) * 1000)
        #expect(rated.timestamp == ISO8601.format(unixSeconds: try #require(rated.momentSeconds)), "the FullStory event's moment")
        #expect(goal.properties.contains(EventProperty("rating", .int(4))))
        #expect(!goal.properties.contains { ABsmartlyGoal.personalProperties.contains($0.name) })
        #expect(rated.properties.contains { $0.name == "remark" }, "FullStory gets the remark; ABsmartly does not")
        #expect(goal.properties == rated.properties.filter { $0.name != "remark" && $0.name != "teammate_name" })
        var timeless = rated
        timeless.momentSeconds = nil
        #expect(ABsmartlyGoal(draft: timeless) == nil, "never the delivery time")
    }

    /// Every property the mapping makes, over every sample payload and topic, is judged: shared with ABsmartly, or
    /// personal. A new property fails this until it is put in one of the two lists.
    @Test func everyPropertyTheMappingMakesIsJudged() throws {
        let mapper = EventMapper(sessionAttribute: "fs_session_id", inboxBaseURL: "https://app.intercom.com")
        let directories = [repositoryRoot + "/events/bodies", Fixtures.notificationsDirectory, Fixtures.samplesDirectory]
        var names: Set<String> = []
        for directory in directories {
            for file in Fixtures.list(directory, suffix: ".json") {
                guard let notification = try? IntercomNotification.decode(Fixtures.read(directory + "/" + file)),
                    let route = TopicTable.route(for: notification.topic)
                else { continue }
                let draft: EventDraft? =
                    switch route.subject {
                    case .conversation: IntercomConversation(notification.item).map { mapper.draft(route: route, notification: notification, conversation: $0) }
                    case .ticket: IntercomTicket(notification.item).map { mapper.draft(route: route, notification: notification, ticket: $0) }
                    }
                for property in draft?.properties ?? [] { names.insert(property.name) }
            }
        }
        #expect(names.count >= 20, "the samples make \(names.count) properties")
        let unjudged = names.subtracting(ABsmartlyGoal.sharedProperties).subtracting(ABsmartlyGoal.personalProperties)
        #expect(unjudged.isEmpty, "properties neither shared nor personal: \(unjudged.sorted())")
        #expect(ABsmartlyGoal.sharedProperties.isDisjoint(with: ABsmartlyGoal.personalProperties))
    }

    static let publish = ABsmartlyPublish(
        unitType: "user_id", unitUID: "K5I_V6RgP8c6sYKz-TVn8g",
        goal: ABsmartlyGoal(
            name: "intercom_conversation_rated", achievedAtMilliseconds: 1_768_036_190_000,
            properties: [
                EventProperty("conversation_id", .string("1")), EventProperty("rating", .int(4)), EventProperty("tags", .strings(["vip"])),
                EventProperty("ai_agent_participated", .bool(false)),
            ]),
        publishedAtMilliseconds: 1_768_036_200_123)

    @Test func thePublishBodyIsOneUnitAndOneGoal() throws {
        let text = String(decoding: Self.publish.body(), as: UTF8.self)
        #expect(text == #"{"hashed":true,"publishedAt":1768036200123,"units":[{"type":"user_id","uid":"K5I_V6RgP8c6sYKz-TVn8g"}],"goals":[{"name":"intercom_conversation_rated","achievedAt":1768036190000,"properties":{"conversation_id":"1","rating":4,"tags":["vip"],"ai_agent_participated":false}}]}"#)
        #expect(ABsmartlyPublish(decodingBody: try JSONDocument(parsing: text).root) == Self.publish)
        for damaged in [
            text.replacingFirst(#""hashed":true"#, with: #""hashed":false"#), text.replacingFirst("K5I_V6RgP8c6sYKz-TVn8g", with: "5e68ece4"),
            text.replacingFirst(#""publishedAt":1768036200123"#, with: #""publishedAt":"1768036200123""#),
            text.replacingFirst(#""rating":4"#, with: #""rating":{"x":1}"#), text.replacingFirst(#"{"hashed""#, with: #"{"exposures":[],"hashed""#),
            text.replacingFirst(#""name":"intercom_conversation_rated","#, with: ""),
        ] {
            #expect(ABsmartlyPublish(decodingBody: try JSONDocument(parsing: damaged).root) == nil, "\(damaged.prefix(80))")
        }
    }

    @Test func theCollectorsAnswersAreTold() {
        func classify(_ status: Int, _ body: String = "") -> CollectorReply {
            CollectorReply.classify(status: status, body: Array(body.utf8), retryAfter: "3")
        }
        #expect(classify(200, #"{"ok":true}"#) == .published(warnings: []))
        // A 200 is read: ok false or any error refuses the goal; warnings are passed on; an empty or unreadable body
        // is a success.
        #expect(classify(200, #"{"ok":false,"warnings":[],"errors":[]}"#) == .rejected(status: 200, messages: ["the Collector answered ok: false"]))
        #expect(classify(200, #"{"ok":true,"errors":[{"batchIndex":0,"eventIndex":0,"subject":"goal","message":"goal not found"}]}"#)
            == .rejected(status: 200, messages: ["goal not found"]))
        #expect(classify(200, #"{"ok":true,"warnings":[{"message":"unknown property"}],"errors":[]}"#) == .published(warnings: ["unknown property"]))
        #expect(classify(200, #"{"errors":[{"subject":"goal"}]}"#) == .rejected(status: 200, messages: ["the Collector listed errors"]))
        #expect(classify(200) == .published(warnings: []) && classify(204, "not json") == .published(warnings: []))
        #expect(classify(200, "[1]") == .published(warnings: []))
        #expect(classify(400, #"{"ok":false,"errors":[{"message":"goal name unknown"},{"message":"x"}]}"#) == .rejected(status: 400, messages: ["goal name unknown", "x"]))
        #expect(classify(422, #"{"code":422,"message":"bad"}"#) == .rejected(status: 422, messages: ["bad"]))
        #expect(classify(401) == .refused(status: 401) && classify(403) == .refused(status: 403))
        #expect(classify(429) == .retryable(status: 429, retryAfterSeconds: 3) && classify(503) == .retryable(status: 503, retryAfterSeconds: 3))
    }

    @Test func queuedGoalsNameTheirDestinationAndRoundTrip() throws {
        let message = DeliveryMessage(
            request: .abSmartly(Self.publish), idempotencyKey: "55a561bd-8ea7-554d-a512-6b9becb583c5",
            origin: .init(topic: "conversation.rating.added", notificationID: "notif_1", appID: "abc123def"), reason: .abSmartlyUnavailable,
            queuedAt: 1_796_000_000)
        let text = message.encoded()
        #expect(text.hasPrefix(#"{"type":"intercom-fullstory.delivery","version":2,"destination":"absmartly","#))
        #expect(try DeliveryMessage.decode(text).get() == message)
        #expect(message.event == nil)
        // A version 1 message is FullStory's, and may not name a destination; a version 2 one must.
        #expect(DeliveryMessage.decode(text.replacingFirst(#""destination":"absmartly","#, with: "")) == .failure(.invalid("destination")))
        #expect(DeliveryMessage.decode(text.replacingFirst(#""destination":"absmartly""#, with: #""destination":"segment""#)) == .failure(.invalid("destination")))
        #expect(DeliveryMessage.decode(text.replacingFirst(#""version":2"#, with: #""version":1"#)) == .failure(.invalid("destination in a version 1 message")))
        // A publish body under FullStory's name is not a Create Event body.
        #expect(DeliveryMessage.decode(text.replacingFirst(#""destination":"absmartly""#, with: #""destination":"fullstory""#))
            == .failure(.invalid("request is not a Create Event body this function writes")))
    }

    @Test(arguments: ["closed.v2", "goal.v2"])
    func committedVersion2MessagesDecode(_ name: String) throws {
        let text = readFile(repositoryRoot + "/Tests/Fixtures/messages/\(name).json")
        let message = try DeliveryMessage.decode(text).get()
        #expect(message.destination == (name == "goal.v2" ? .abSmartly : .fullStory))
        #expect(try DeliveryMessage.decode(message.encoded()).get() == message)
    }
}
