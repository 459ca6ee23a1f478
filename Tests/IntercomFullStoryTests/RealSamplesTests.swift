#if canImport(Glibc)
import Glibc
#endif
import FlatJSON
import IntercomFullStory
import Testing

/// Every notification body, ours (Tests/Fixtures/notifications) and the real ones of ../shared/intercom-samples
/// when present, decodes to a decision without error, and no message text reaches FullStory.
@Suite struct RealSamplesTests {
    static let allTopics = WebhookConfiguration(
        signature: .verify(secret: Array(Fixtures.testSecret.utf8)), extraTopics: Set(TopicTable.optionalTopics))

    /// The corpus is optional for a clone with nothing beside it, and required where it is promised: CI sets
    /// INTERCOM_SAMPLES_REQUIRED=1.
    @Test func theSharedCorpusIsPresentWhereRequired() {
        let required = getenv("INTERCOM_SAMPLES_REQUIRED").map { String(cString: $0) == "1" } ?? false
        if required {
            #expect(Fixtures.sampleFiles.count >= 19, "../shared/intercom-samples is missing or incomplete")
        }
        #expect(Fixtures.notificationFiles.count >= 13, "our own fixtures cover the corpus's shapes")
    }

    @Test(arguments: Fixtures.payloads)
    func payloadDecodesWithoutError(_ payload: Fixtures.Payload) throws {
        let body = payload.bytes
        #expect(!body.isEmpty)
        for event in [Fixtures.restEvent(body: body), Fixtures.httpEvent(body: body)] {
            let (decision, summary) = WebhookHandler(configuration: Self.allTopics).handle(event: event)
            #expect(decision.statusIfDelivered == 200, "\(payload): \(decision.reply?.reason ?? "")")
            let topic = try #require(summary.topic)
            if let route = Self.allTopics.enabledRoute(for: topic), payload.name.contains("conversation") {
                let draft = try #require(decision.draft, "\(payload) maps to \(route.eventName)")
                let event = draft.event(contactSessionAttribute: nil)
                #expect(event.name == route.eventName)
                #expect(event.properties.contains { $0.name == "conversation_id" })
            }
        }
    }

    @Test(arguments: Fixtures.payloads)
    func messageTextNeverReachesFullStory(_ payload: Fixtures.Payload) throws {
        let body = payload.bytes
        let (decision, _) = WebhookHandler(configuration: Self.allTopics).handle(event: Fixtures.restEvent(body: body))
        guard let event = decision.draft?.event(contactSessionAttribute: nil) else { return }
        let sent = String(decoding: event.body(), as: UTF8.self)
        for text in Self.messageTexts(try JSONDocument(parsing: body).root) {
            #expect(!sent.contains(text), "\(payload) leaks \(text)")
        }
    }

    /// Every piece of customer or teammate text in the payload: message and part bodies, ticket titles and
    /// descriptions, Fin's rating remark.
    static func messageTexts(_ value: JSONValue) -> [String] {
        var texts: [String] = []
        for (key, member) in value.members {
            let isText = ["body", "_default_title_", "_default_description_", "rating_remark"].contains(key)
            if isText, let text = member.string, text.count > 3 { texts.append(text) }
            texts += messageTexts(member)
        }
        for element in value.elements { texts += messageTexts(element) }
        return texts
    }

    static func draft(_ body: [UInt8], configuration: WebhookConfiguration = Fixtures.configuration) throws -> EventDraft {
        try #require(WebhookHandler(configuration: configuration).handle(event: Fixtures.restEvent(body: body)).decision.draft)
    }

    static func property(_ event: FullStoryEvent, _ name: String) -> EventPropertyValue? {
        event.properties.first { $0.name == name }?.value
    }

    // MARK: Our fixtures, one per shape

    @Test func oneXClosedMapsTheCloserTheUserAndTheInboxLink() throws {
        let event = try Self.draft(Fixtures.notification("conversation.admin.closed.1x-user-assignee.json"))
            .event(contactSessionAttribute: nil)
        #expect(event.timestamp == "2023-11-14T23:13:20Z", "the close part's time")
        #expect(Self.property(event, "teammate_id") == .string("510002"), "the close part's author, not the assignee")
        #expect(Self.property(event, "teammate_name") == .string("Grace Teammate"))
        #expect(Self.property(event, "contact_id") == .string("64aa00000000000000000001"))
        #expect(Self.property(event, "page_url") == .string("https://shop.example.invalid/checkout"))
        #expect(
            Self.property(event, "conversation_url")
                == .string("https://app.intercom.io/a/apps/fx1app01/inbox/all/conversations/7300000000001"))
        #expect(event.link == .mostRecentSessionOfUser(uid: "fixture-user-1"), "1.x user.user_id is the external id")
    }

    @Test func anEmptyRatingObjectIsNoRating() throws {
        let event = try Self.draft(Fixtures.notification("conversation.admin.closed.1x-empty-rating.json"))
            .event(contactSessionAttribute: nil)
        #expect(Self.property(event, "rating") == nil)
        #expect(Self.property(event, "teammate_id") == .string("510003"), "nobody_admin is no assignee")
        #expect(Self.property(event, "tags") == .strings(["billing"]))
        #expect(event.link == .mostRecentSessionOfUser(uid: "fixture-user-2"))
    }

    @Test func oneXRatingWithACustomer() throws {
        let event = try Self.draft(Fixtures.notification("conversation.rating.added.1x-customer.json"))
            .event(contactSessionAttribute: nil)
        #expect(event.name == "Intercom Conversation Rated")
        #expect(Self.property(event, "rating") == .int(2))
        #expect(Self.property(event, "remark") == .string("Fixture remark: it took too long"))
        #expect(Self.property(event, "teammate_id") == .string("510004"))
        #expect(Self.property(event, "teammate_name") == .string("Mo Teammate"), "named from the assignee")
        #expect(event.timestamp == "2023-11-17T08:00:00Z", "the rating's time")
    }

    @Test func oneXLeadWithoutAUserIDIsUnlinked() throws {
        let event = try Self.draft(Fixtures.notification("conversation.user.created.1x-lead.json"))
            .event(contactSessionAttribute: nil)
        #expect(event.name == "Intercom Conversation Opened")
        #expect(event.link == .unlinked)
        #expect(Self.property(event, "page_url") == .string("https://www.example.invalid/pricing"))
    }

    @Test func twoXTeammatesAsAdminListAndISOStatistics() throws {
        let body = Fixtures.notification("conversation.admin.open.assigned.2x-teammates.json")
        let conversation = try #require(IntercomConversation(try IntercomNotification.decode(body).item))
        #expect(conversation.assignee?.id == "520006", "admin_assignee_id as an int")
        #expect(conversation.contact?.id == "6960000000000000000000a6")
        #expect(conversation.contact?.externalID == "fixture-external-6")
        #expect(conversation.rating == nil, "conversation_rating: null")
        // ISO `*_at` strings are not durations; the durations and counts present are kept.
        let statistics = Dictionary(uniqueKeysWithValues: conversation.statistics.map { ($0.name, $0.value) })
        #expect(statistics == ["time_to_assignment": 0, "count_reopens": 0, "count_assignments": 1, "count_conversation_parts": 3])
        #expect(conversation.pageURL == "https://app.example.invalid/settings")
    }

    @Test func envelopesOfEveryEraAnswer200() throws {
        let handler = WebhookHandler(configuration: Fixtures.configuration)
        func outcome(_ name: String) -> WebhookReply.Outcome? {
            handler.handle(event: Fixtures.restEvent(body: Fixtures.notification(name))).decision.reply?.outcome
        }
        #expect(outcome("ping.null-id.json") == .ping)
        #expect(outcome("conversation.deleted.minimal.json") == .ignored)
        #expect(outcome("conversation.priority.updated.2x.json") == .ignored)
        #expect(outcome("ticket.created.2x-string-ids.json") == .ignored)
        #expect(outcome("contact.user.created.2x-iso-timestamps.json") == .ignored)
        #expect(outcome("user.created.1x.json") == .ignored)
        #expect(outcome("company.created.docs-abbreviated.json") == .ignored)
    }

    // MARK: The shared corpus, when present

    @Test(.enabled(if: Fixtures.samplesPresent))
    func oneXClosedConversationMapsTeammateAndTimestamp() throws {
        let body = Fixtures.sample("intercom-archive__intercom-webhooks__conversation.admin.closed.json")
        let event = try Self.draft(body).event(contactSessionAttribute: nil)
        #expect(event.timestamp == "2016-04-20T15:13:30Z")
        #expect(Self.property(event, "teammate_id") == .string("246810"))
        #expect(Self.property(event, "teammate_name") == .string("Timothy Lim"))
        #expect(Self.property(event, "contact_id") == .string("57179c30c776e05d4c0002a8"))
        #expect(
            Self.property(event, "conversation_url")
                == .string("https://app.intercom.io/a/apps/YOUR_APP_ID/inbox/all/conversations/4584686769"))
    }

    @Test(.enabled(if: Fixtures.samplesPresent))
    func hullClosedWithEmptyRatingObject() throws {
        let event = try Self.draft(Fixtures.sample("hull__hull-connectors__conversation.admin.closed.json"))
            .event(contactSessionAttribute: nil)
        #expect(event.link == .mostRecentSessionOfUser(uid: "234523452345345"))
        #expect(!event.properties.contains { $0.name == "rating" })
    }
}
