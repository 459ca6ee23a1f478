import FlatJSON
import IntercomFullStory
import TestSupport
import Testing

/// The backfill's pure parts: the window, the search query, the events of a searched conversation, the journal.
@Suite struct BackfillCoreTests {
    static let since = 1_764_547_200  // 2025-12-01T00:00:00Z
    static let until = since + 86_400
    static let window: BackfillWindow = {
        guard let window = try? BackfillWindow(since: since, until: until) else { preconditionFailure("a valid window") }
        return window
    }()

    static func mapper(_ topics: Set<BackfillTopic> = Set(BackfillTopic.allCases)) -> BackfillMapper {
        BackfillMapper(window: window, topics: topics, appID: "abc123def", sessionAttribute: "fs_session_id", inboxBaseURL: "https://app.intercom.com")
    }

    static func events(_ conversation: SearchedConversation, topics: Set<BackfillTopic> = Set(BackfillTopic.allCases)) throws
        -> BackfillMapper.Result
    {
        mapper(topics).events(of: try JSONDocument(parsing: conversation.json).root)
    }

    // MARK: Window

    @Test func timesAndSpans() throws {
        let now = Self.until
        #expect(try BackfillWindow(since: "2025-12-01T00:00:00Z", until: "2025-12-02T00:00:00Z", now: now) == Self.window)
        #expect(try BackfillWindow(since: "2025-12-01T01:00:00+01:00", until: nil, now: now + 300).since == Self.since, "an offset")
        #expect(try BackfillWindow(since: "7d", until: nil, now: now).since == now - 7 * 86_400)
        #expect(try BackfillWindow(since: "36h", until: nil, now: now).since == now - 36 * 3600)
        #expect(try BackfillWindow(since: "7d", until: nil, now: now).until == now - 300, "until defaults to five minutes ago")
        for bad in ["", "yesterday", "2025-12-01", "2025-12-01T00:00:00", "7", "7y", "-3d", "0d"] {
            #expect(throws: BackfillWindow.Problem.self, "\(bad)") { try BackfillWindow(since: bad, until: nil, now: now) }
        }
        #expect(throws: BackfillWindow.Problem.empty(since: Self.until, until: Self.until)) {
            try BackfillWindow(since: "2025-12-02T00:00:00Z", until: "2025-12-02T00:00:00Z", now: now)
        }
        #expect(throws: BackfillWindow.Problem.self) { try BackfillWindow(since: "7d", until: "36h", now: now) }
        #expect(Self.window.contains(Self.since) && !Self.window.contains(Self.until))
        #expect(Self.window.contains(Self.until - 1) && !Self.window.contains(Self.since - 1))
    }

    // MARK: Query

    @Test func theQueryBoundsEveryEventOfTheWindowEitherReading() throws {
        let body = try JSONDocument(parsing: ConversationSearch.requestBody(window: Self.window, startingAfter: "WzE1MF0=")).root
        let filters = body["query", "value"]?.elements.map { ($0["field"]?.string ?? "", $0["operator"]?.string ?? "", $0["value"]?.int ?? 0) } ?? []
        #expect(body["query", "operator"]?.string == "AND")
        #expect(filters.map(\.0) == ["updated_at", "created_at"])
        #expect(filters.map(\.1) == [">", "<"])
        #expect(filters.map(\.2) == [Self.since - 1, Self.until])
        #expect(body["pagination", "per_page"]?.int == 150)
        #expect(body["pagination", "starting_after"]?.string == "WzE1MF0=")
        #expect(body["sort", "field"]?.string == "updated_at" && body["sort", "order"]?.string == "ascending")
        let first = try JSONDocument(parsing: ConversationSearch.requestBody(window: Self.window, startingAfter: nil)).root
        #expect(first["pagination", "starting_after"] == nil)
    }

    // MARK: Events of a conversation

    @Test func eachTopicAtItsMomentInsideTheWindowOnly() throws {
        var conversation = SearchedConversation(id: "1", createdAt: Self.since, updatedAt: Self.until + 500)
        conversation.lastCloseAt = Self.until - 1
        conversation.lastClosedByID = "9608799"
        conversation.state = "closed"
        conversation.rating = (4, Self.until)  // exactly at the end: outside
        conversation.externalID = "user-1"
        let result = try Self.events(conversation)
        #expect(result.events.map(\.name) == ["Intercom Conversation Opened", "Intercom Conversation Closed"])
        #expect(result.events.map(\.timestamp) == ["2025-12-01T00:00:00Z", "2025-12-01T23:59:59Z"])
        var outside = SearchedConversation(id: "2", createdAt: Self.since - 1, updatedAt: Self.since + 10)
        outside.lastCloseAt = Self.since + 1
        outside.closeAtAsText = true
        outside.rating = (5, Self.since + 2)
        #expect(try Self.events(outside).events.map(\.name) == ["Intercom Conversation Closed", "Intercom Conversation Rated"])
        #expect(try Self.events(outside, topics: [.rated]).events.map(\.name) == ["Intercom Conversation Rated"])
    }

    @Test func propertiesAreTheWebhooksWithoutMessageText() throws {
        var conversation = SearchedConversation(id: "215400000000042", createdAt: Self.since + 100)
        conversation.lastCloseAt = Self.since + 200
        conversation.lastClosedByID = "9608799"
        conversation.rating = (2, Self.since + 300)
        conversation.externalID = "user-42"
        let events = try Self.events(conversation).events
        let closed = try #require(events.first { $0.name == "Intercom Conversation Closed" })
        let properties = Dictionary(uniqueKeysWithValues: closed.properties.map { ($0.name, $0.value) })
        #expect(properties["conversation_id"] == .string("215400000000042"))
        #expect(properties["intercom_topic"] == .string("conversation.admin.closed"))
        #expect(properties["intercom_app_id"] == .string("abc123def"))
        #expect(properties["conversation_url"] == .string("https://app.intercom.com/a/inbox/abc123def/inbox/conversation/215400000000042"))
        #expect(properties["teammate_id"] == .string("9608799"))
        #expect(properties["teammate_name"] == .string("John Doe"), "named from the assignee")
        #expect(properties["page_url"] == .string("https://app.example.invalid/checkout"))
        #expect(properties["time_to_assignment"] == .int(30))
        #expect(properties["backfilled"] == .bool(true))
        let rated = try #require(events.first { $0.name == "Intercom Conversation Rated" })
        #expect(rated.properties.contains(EventProperty("rating", .int(2))))
        for event in events {
            #expect(!String(decoding: event.body(), as: UTF8.self).contains("conversation message text"))
        }
    }

    @Test func sessionsArePastOnes() throws {
        var withSession = SearchedConversation(id: "3", createdAt: Self.since)
        withSession.sessionAttribute = "https://app.fullstory.com/ui/o-1/session/111%3A222"
        withSession.externalID = "user-3"
        #expect(try Self.events(withSession, topics: [.opened]).events.first?.link == .session(try #require(FullStorySessionID(parsing: "111:222")), source: .conversationAttribute))
        var withUser = SearchedConversation(id: "4", createdAt: Self.since)
        withUser.externalID = "user-4"
        let user = try #require(try Self.events(withUser, topics: [.opened]).events.first)
        #expect(user.link == .user(uid: "user-4"), "no use_most_recent: that would pin it on today's session")
        let body = try JSONDocument(parsing: user.body()).root
        #expect(body["user", "uid"]?.string == "user-4")
        #expect(body["session"] == nil)
        #expect(try Self.events(SearchedConversation(id: "5", createdAt: Self.since), topics: [.opened]).events.first?.link == .unlinked)
    }

    /// Every form session pinning writes on a conversation links the backfilled events to that session.
    @Test(arguments: [
        "111:222", "https://app.fullstory.com/ui/o-1/session/111%3A222", "https://app.eu1.fullstory.com/ui/o-1/session/111%3A222",
        "https://www.fullstory.com/ui/ORG_ID/discover/session/111:222",
    ])
    func pinsInEveryWrittenFormLinkTheBackfill(pin: String) throws {
        var pinned = SearchedConversation(id: "7", createdAt: Self.since)
        pinned.sessionAttribute = pin
        pinned.externalID = "user-7"
        let session = try #require(FullStorySessionID(parsing: "111:222"))
        #expect(try Self.events(pinned, topics: [.opened]).events.first?.link == .session(session, source: .conversationAttribute))
        let built = try #require(SessionReplayURL.make(orgID: "o-1", session: session, fullStoryAPIURL: "https://api.eu1.fullstory.com"))
        pinned.sessionAttribute = built
        #expect(try Self.events(pinned, topics: [.opened]).events.first?.link == .session(session, source: .conversationAttribute))
    }

    @Test func closedThenReopenedStillCountsItsClose() throws {
        var reopened = SearchedConversation(id: "6", createdAt: Self.since - 86_400, updatedAt: Self.since + 600)
        reopened.state = "open"
        reopened.lastCloseAt = Self.since + 300
        reopened.lastClosedByID = "777"
        let events = try Self.events(reopened).events
        #expect(events.map(\.name) == ["Intercom Conversation Closed"])
        #expect(events.first?.properties.contains(EventProperty("teammate_id", .string("777"))) == true)
    }

    @Test func aRatingWithoutAScoreIsSkippedAndCounted() throws {
        var unrated = SearchedConversation(id: "7", createdAt: Self.since - 10)
        unrated.rating = (nil, Self.since + 50)
        let result = try Self.events(unrated)
        #expect(result.events.isEmpty)
        #expect(result.skipped == [.ratingWithoutScore])
        #expect(Self.mapper().events(of: try JSONDocument(parsing: #"{"type":"ticket","id":"1"}"#).root).skipped == [.notAConversation])
    }

    @Test func keysAreDeterministicAndOfTheirOwnNamespace() throws {
        var conversation = SearchedConversation(id: "8", createdAt: Self.since + 1)
        conversation.lastCloseAt = Self.since + 2
        let first = try Self.events(conversation).events.map(\.idempotencyKey)
        #expect(first == (try Self.events(conversation).events.map(\.idempotencyKey)))
        #expect(Set(first).count == 2)
        #expect(first[0] == IdempotencyKey.forBackfill(conversationID: "8", eventName: "Intercom Conversation Opened", moment: Self.since + 1))
        #expect(!first.contains(IdempotencyKey.forConversation(topic: "conversation.user.created", conversationID: "8", moment: Self.since + 1, eventName: "Intercom Conversation Opened")))
    }

    // MARK: Journal

    @Test func everyRecordRoundTrips() throws {
        var conversation = SearchedConversation(id: "9", createdAt: Self.since)
        conversation.externalID = "u"
        let event = try #require(try Self.events(conversation, topics: [.opened]).events.first)
        let header = BackfillJournal.Header(window: Self.window, topics: [.closed, .opened], sinceOption: "7d", untilOption: nil)
        let records: [BackfillJournal.Record] = [
            .header(header), .event(event), .page(next: "WzE1MF0=", conversations: 150, skipped: ["rating without a score": 2]),
            .page(next: nil, conversations: 3, skipped: [:]), .read(events: 1, conversations: 153), .sent(key: event.idempotencyKey),
            .refused(key: "k", status: 400, code: "invalid_argument"), .job(id: "job-1", keys: ["a", "b"]),
            .jobDone(id: "job-1", imports: 1, errors: 1, status: "FAILED"),
        ]
        let file = records.flatMap(BackfillJournal.line)
        #expect(try BackfillJournal.records(file) == records)
        #expect(header.topics == ["conversation.admin.closed", "conversation.user.created"])
    }

    /// Files of version 1 are read: a `job_done` without a status is a job that COMPLETED.
    @Test func version1StateFilesAreRead() throws {
        let file = Array((
            #"{"type":"backfill","version":1,"since":"2026-11-01T00:00:00Z","until":"2026-11-08T00:00:00Z","since_option":"7d","topics":["conversation.admin.closed"]}"#
            + "\n" + #"{"type":"job","id":"job-1","keys":["a","b"]}"# + "\n" + #"{"type":"job_done","id":"job-1","imports":2,"errors":0}"# + "\n"
        ).utf8)
        let records = try BackfillJournal.records(file)
        #expect(records.count == 3)
        #expect(records.last == .jobDone(id: "job-1", imports: 2, errors: 0, status: "COMPLETED"))
        let newer = Array(#"{"type":"backfill","version":3,"since":"2026-11-01T00:00:00Z"}"#.utf8) + [0x0A]
        #expect(throws: BackfillJournal.Problem.newerVersion(3)) { try BackfillJournal.records(newer) }
    }

    @Test func aCutLastLineIsIgnoredAndDamageIsNamed() throws {
        let header = BackfillJournal.line(.header(BackfillJournal.Header(window: Self.window, topics: [.opened], sinceOption: "x", untilOption: nil)))
        let sent = BackfillJournal.line(.sent(key: "k1"))
        #expect(try BackfillJournal.records(header + sent + Array(#"{"type":"sent","ke"#.utf8)).count == 2, "killed mid-write")
        #expect(throws: BackfillJournal.Problem.damaged(line: 2)) { try BackfillJournal.records(header + Array("garbage\n".utf8) + sent) }
        #expect(throws: BackfillJournal.Problem.notAStateFile) { try BackfillJournal.records(Array("hello\nworld\n".utf8)) }
        #expect(throws: BackfillJournal.Problem.notAStateFile) { try BackfillJournal.records(sent + header) }
        let newer = Array(#"{"type":"backfill","version":9}"#.utf8) + [0x0A]
        #expect(throws: BackfillJournal.Problem.newerVersion(9)) { try BackfillJournal.records(newer) }
        #expect(try BackfillJournal.records([]).isEmpty, "an empty file is a new one")
    }
}
