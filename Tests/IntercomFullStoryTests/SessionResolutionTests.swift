import FlatJSON
import IntercomFullStory
import Testing

@Suite struct SessionResolutionTests {
    @Test(arguments: [
        ("406214335320288249:3829143070270885557", "406214335320288249:3829143070270885557"),
        ("  123:456 ", "123:456"),
        ("\r\n123:456\t\r\n", "123:456"),
        ("3e2bf53f-2ca0-4e05-9fa3-29c9276febf9:cef16b56-44b2-4535-b923-d955b1a50eb5", "3e2bf53f-2ca0-4e05-9fa3-29c9276febf9:cef16b56-44b2-4535-b923-d955b1a50eb5"),
        ("https://app.fullstory.com/ui/o-1K942V-na1/session/5629499534213120%3A6392134624958464", "5629499534213120:6392134624958464"),
        ("https://app.eu1.fullstory.com/ui/o-X-eu1/session/1%3a2?foo=bar", "1:2"),
        ("https://www.fullstory.com/ui/ORG_ID/discover/session/1234567890:1234567890", "1234567890:1234567890"),
        ("https://app.fullstory.com/ui/o-1/session/11%3A22/events", "11:22"),
    ])
    func acceptsSessionIDsAndURLs(_ text: String, _ expected: String) {
        #expect(FullStorySessionID(parsing: text)?.value == expected)
    }

    @Test(arguments: [
        "", "Unknown", "null", "123", ":456", "123:", "1:2:3", "12 3:456", "a;b:c",
        "https://app.fullstory.com/ui/o-1/client-session/3e2bf53f-2ca0-4e05-9fa3-29c9276febf9",
        "https://app.fullstory.com/ui/o-1/session/%ZZ", "https://app.fullstory.com/ui/o-1/session/",
    ])
    func rejectsValuesThatAreNotSessions(_ text: String) {
        #expect(FullStorySessionID(parsing: text) == nil)
    }

    @Test func conversationAttributeWinsOverEverything() {
        let link = SessionResolver.resolve(conversationAttribute: "1:2", contactAttribute: "3:4", externalID: "u1")
        #expect(link == .session(FullStorySessionID(parsing: "1:2")!, source: .conversationAttribute))
    }

    @Test func contactAttributeComesNext() {
        let link = SessionResolver.resolve(conversationAttribute: "garbage", contactAttribute: "3:4", externalID: "u1")
        #expect(link == .session(FullStorySessionID(parsing: "3:4")!, source: .contactAttribute))
    }

    @Test func externalIDFallsBackToMostRecentSession() {
        #expect(SessionResolver.resolve(conversationAttribute: nil, contactAttribute: "Unknown", externalID: "u1") == .mostRecentSessionOfUser(uid: "u1"))
    }

    @Test func externalIDsAreTrimmedOfASCIISpaceOnly() {
        #expect(SessionResolver.resolve(conversationAttribute: nil, contactAttribute: nil, externalID: "\r\n ü-ser é\t") == .mostRecentSessionOfUser(uid: "ü-ser é"))
        #expect(SessionResolver.resolve(conversationAttribute: nil, contactAttribute: nil, externalID: "\u{00A0}u\u{00A0}") == .mostRecentSessionOfUser(uid: "\u{00A0}u\u{00A0}"))
    }

    @Test func withNothingTheEventIsUnlinked() {
        #expect(SessionResolver.resolve(conversationAttribute: nil, contactAttribute: nil, externalID: nil) == .unlinked)
        #expect(SessionResolver.resolve(conversationAttribute: nil, contactAttribute: nil, externalID: "  ") == .unlinked)
        #expect(SessionResolver.resolve(conversationAttribute: nil, contactAttribute: nil, externalID: String(repeating: "u", count: 257)) == .unlinked)
    }

    @Test func sessionBodyCarriesNoUser() throws {
        let event = FullStoryEvent(name: "E", timestamp: nil, properties: [], link: .session(FullStorySessionID(parsing: "1:2")!, source: .contactAttribute), idempotencyKey: "k")
        let root = try JSONDocument(parsing: event.body()).root
        #expect(root["session", "id"]?.string == "1:2")
        #expect(root["user"] == nil)
        #expect(root["session"]?.count == 1)
    }

    @Test func userBodyAsksForTheMostRecentSession() throws {
        let event = FullStoryEvent(name: "E", timestamp: nil, properties: [], link: .mostRecentSessionOfUser(uid: "u1"), idempotencyKey: "k")
        let root = try JSONDocument(parsing: event.body()).root
        #expect(root["user", "uid"]?.string == "u1")
        #expect(root["session", "use_most_recent"]?.bool == true)
        #expect(root["session", "id"] == nil)
    }

    @Test func unlinkedVariantDropsTheSessionAndChangesTheKey() throws {
        let event = FullStoryEvent(name: "E", timestamp: "2026-01-01T00:00:00Z", properties: [EventProperty("a", .int(1))], link: .session(FullStorySessionID(parsing: "1:2")!, source: .contactAttribute), idempotencyKey: IdempotencyKey.forNotification(id: "n", eventName: "E"))
        let unlinked = event.unlinked()
        #expect(unlinked.link == .unlinked)
        #expect(unlinked.idempotencyKey != event.idempotencyKey)
        #expect(unlinked.unlinked().idempotencyKey == event.unlinked().unlinked().idempotencyKey)
        let root = try JSONDocument(parsing: unlinked.body()).root
        #expect(root["session"] == nil && root["user"] == nil)
        #expect(root["properties", "a"]?.int == 1)
    }

    @Test func draftNeedsNoLookupWhenTheConversationCarriesTheSession() throws {
        let handler = WebhookHandler(configuration: Fixtures.configuration)
        let rated = try #require(handler.handle(event: Fixtures.event("rated.v1.json")).decision.draft)
        #expect(!rated.wantsContactLookup)
        let closed = try #require(handler.handle(event: Fixtures.event("closed.v1.json")).decision.draft)
        #expect(closed.wantsContactLookup)
        #expect(closed.contactID == "696205460674dbb9050aa7fd")
        #expect(closed.event(contactSessionAttribute: "9:8").link == .session(FullStorySessionID(parsing: "9:8")!, source: .contactAttribute))
    }

    @Test func configurableAttributeName() throws {
        var configuration = Fixtures.configuration
        configuration.sessionAttribute = "Has attachments"
        let draft = try #require(WebhookHandler(configuration: configuration).handle(event: Fixtures.event("rated.v1.json")).decision.draft)
        #expect(draft.itemSessionAttribute == nil)  // present but a boolean, not a session
        #expect(draft.wantsContactLookup)
    }

    @Test func contactLookupResponseIsRead() {
        let body = Array(#"{"type":"contact","id":"c1","custom_attributes":{"fs_session_id":"https://app.fullstory.com/ui/o/session/1%3A2","other":1}}"#.utf8)
        #expect(ContactSessionAttribute.value(inContactJSON: body, attribute: "fs_session_id") == "https://app.fullstory.com/ui/o/session/1%3A2")
        #expect(ContactSessionAttribute.value(inContactJSON: body, attribute: "other") == nil)
        #expect(ContactSessionAttribute.value(inContactJSON: Array("<html>".utf8), attribute: "fs_session_id") == nil)
    }
}
