import FlatJSON
import IntercomFullStory
import Testing

/// Every real Intercom payload in ../shared/intercom-samples decodes to a decision without error.
@Suite struct RealSamplesTests {
    static let allTopics = WebhookConfiguration(
        signature: .verify(secret: Array(Fixtures.testSecret.utf8)), extraTopics: Set(TopicTable.optionalTopics))

    @Test func samplesArePresent() {
        #expect(Fixtures.sampleFiles.count >= 19)
    }

    @Test(arguments: Fixtures.sampleFiles)
    func sampleDecodesWithoutError(_ file: String) throws {
        let body = Fixtures.sample(file)
        for event in [Fixtures.restEvent(body: body), Fixtures.httpEvent(body: body)] {
            let (decision, summary) = WebhookHandler(configuration: Self.allTopics).handle(event: event)
            #expect(decision.statusIfDelivered == 200, "\(file): \(decision.reply?.reason ?? "")")
            let topic = try #require(summary.topic)
            if let route = Self.allTopics.enabledRoute(for: topic), file.contains("conversation") {
                let draft = try #require(decision.draft, "\(file) maps to \(route.eventName)")
                let event = draft.event(contactSessionAttribute: nil)
                #expect(event.name == route.eventName)
                #expect(event.properties.contains { $0.name == "conversation_id" })
            }
        }
    }

    @Test(arguments: Fixtures.sampleFiles)
    func messageTextNeverReachesFullStory(_ file: String) throws {
        let body = Fixtures.sample(file)
        let (decision, _) = WebhookHandler(configuration: Self.allTopics).handle(event: Fixtures.restEvent(body: body))
        guard let event = decision.draft?.event(contactSessionAttribute: nil) else { return }
        let sent = String(decoding: event.body(), as: UTF8.self)
        for text in Self.messageTexts(try JSONDocument(parsing: body).root) {
            #expect(!sent.contains(text), "\(file) leaks \(text)")
        }
    }

    /// Every `body` string in the payload (message and part bodies).
    static func messageTexts(_ value: JSONValue) -> [String] {
        var texts: [String] = []
        for (key, member) in value.members {
            if key == "body", let text = member.string, text.count > 3 { texts.append(text) }
            texts += messageTexts(member)
        }
        for element in value.elements { texts += messageTexts(element) }
        return texts
    }

    @Test func oneXClosedConversationMapsTeammateAndTimestamp() throws {
        let body = Fixtures.sample("intercom-archive__intercom-webhooks__conversation.admin.closed.json")
        let draft = try #require(WebhookHandler(configuration: Fixtures.configuration).handle(event: Fixtures.restEvent(body: body)).decision.draft)
        let event = draft.event(contactSessionAttribute: nil)
        #expect(event.timestamp == "2016-04-20T15:13:30Z")
        #expect(event.properties.first { $0.name == "teammate_id" }?.value == .string("246810"))
        #expect(event.properties.first { $0.name == "teammate_name" }?.value == .string("Timothy Lim"))
        #expect(event.properties.first { $0.name == "contact_id" }?.value == .string("57179c30c776e05d4c0002a8"))
        #expect(
            event.properties.first { $0.name == "conversation_url" }?.value
                == .string("https://app.intercom.io/a/apps/YOUR_APP_ID/inbox/all/conversations/4584686769"))
    }

    @Test func hullClosedWithEmptyRatingObject() throws {
        let body = Fixtures.sample("hull__hull-connectors__conversation.admin.closed.json")
        let draft = try #require(WebhookHandler(configuration: Fixtures.configuration).handle(event: Fixtures.restEvent(body: body)).decision.draft)
        let event = draft.event(contactSessionAttribute: nil)
        #expect(event.link == .mostRecentSessionOfUser(uid: "234523452345345"))
        #expect(!event.properties.contains { $0.name == "rating" })
    }
}
