import FlatJSON
import IntercomFullStory
import TestSupport
import Testing

/// The pure parts of session pinning: which session may be a conversation's, the forms a pin is written in,
/// List Sessions' answers, the queue's pin message, Intercom's update answers and FullStory's key-reuse answer.
@Suite struct SessionPinningCoreTests {
    static let session = FullStorySessionID(parsing: "5843956264747008:7277829567598157832")!

    @Test func freshnessWindowIs24HoursBeforeTo5MinutesAfter() {
        let created = 1_768_031_789
        #expect(SessionFreshness.accepts(sessionCreatedAt: created - 86_400, conversationCreatedAt: created))
        #expect(!SessionFreshness.accepts(sessionCreatedAt: created - 86_401, conversationCreatedAt: created))
        #expect(SessionFreshness.accepts(sessionCreatedAt: created + 300, conversationCreatedAt: created))
        #expect(!SessionFreshness.accepts(sessionCreatedAt: created + 301, conversationCreatedAt: created))
        #expect(SessionFreshness.accepts(sessionCreatedAt: created, conversationCreatedAt: created))
    }

    @Test func replayLinksFollowTheRegionAndEncodeTheColon() {
        #expect(
            SessionReplayURL.make(orgID: "o-1A2B-na1", session: Self.session, fullStoryAPIURL: "https://api.fullstory.com")
                == "https://app.fullstory.com/ui/o-1A2B-na1/session/5843956264747008%3A7277829567598157832")
        #expect(
            SessionReplayURL.make(orgID: "o-9", session: Self.session, fullStoryAPIURL: "https://api.eu1.fullstory.com")
                == "https://app.eu1.fullstory.com/ui/o-9/session/5843956264747008%3A7277829567598157832")
        #expect(SessionReplayURL.appHost(forAPI: "https://API.EU1.FULLSTORY.COM:443") == "app.eu1.fullstory.com")
        #expect(SessionReplayURL.appHost(forAPI: "http://127.0.0.1:8080") == "app.fullstory.com")
        // An org id that is not one is never put into a link.
        #expect(SessionReplayURL.make(orgID: "o/../x", session: Self.session, fullStoryAPIURL: "https://api.fullstory.com") == nil)
        #expect(SessionReplayURL.make(orgID: "", session: Self.session, fullStoryAPIURL: "https://api.fullstory.com") == nil)
        // Every built link reads back as its session.
        let link = SessionReplayURL.make(orgID: "o-1", session: Self.session, fullStoryAPIURL: "https://api.fullstory.com")
        #expect(link.flatMap(FullStorySessionID.init(parsing:)) == Self.session)
    }

    @Test func aLinkIsKeptOnlyWhenItIsAnHTTPSLinkToTheSameSession() {
        let link = "https://app.fullstory.com/ui/o-1/session/5843956264747008%3A7277829567598157832"
        #expect(SessionReplayURL.link(link, to: Self.session) == link)
        #expect(SessionReplayURL.link("  \(link) ", to: Self.session) == link)
        #expect(SessionReplayURL.link("https://www.fullstory.com/ui/ORG/discover/session/5843956264747008:7277829567598157832", to: Self.session) != nil)
        #expect(SessionReplayURL.link("http://app.fullstory.com/ui/o-1/session/5843956264747008%3A7277829567598157832", to: Self.session) == nil)
        #expect(SessionReplayURL.link("https://app.fullstory.com/ui/o-1/session/1%3A2", to: Self.session) == nil)
        #expect(SessionReplayURL.link("5843956264747008:7277829567598157832", to: Self.session) == nil)
        #expect(SessionReplayURL.link(nil, to: Self.session) == nil)
        // Query and fragment are dropped; a host other than FullStory's app is never written where agents click.
        #expect(SessionReplayURL.link(link + "?utm=" + String(repeating: "a", count: 300) + "#x", to: Self.session) == link)
        #expect(SessionReplayURL.link("HTTPS://APP.EU1.FULLSTORY.COM/ui/o-1/session/5843956264747008%3A7277829567598157832", to: Self.session)
            == "https://app.eu1.fullstory.com/ui/o-1/session/5843956264747008%3A7277829567598157832")
        for foreign in [
            "https://evil.example/session/5843956264747008%3A7277829567598157832",
            "https://app.fullstory.com.evil.example/ui/o-1/session/5843956264747008%3A7277829567598157832",
            "https://user@app.fullstory.com/ui/o-1/session/5843956264747008%3A7277829567598157832",
            "https://app.fullstory.com:8443/ui/o-1/session/5843956264747008%3A7277829567598157832",
        ] {
            #expect(SessionReplayURL.link(foreign, to: Self.session) == nil, "\(foreign)")
            // Such a value still names the session for linking; only the link is not kept.
            #expect(SessionPin(session: Self.session, source: .contactAttribute, link: foreign, orgID: nil, fullStoryAPIURL: "https://api.fullstory.com").attributeValue
                == Self.session.value)
        }
    }

    @Test func thePinIsALinkWhenOneIsKnownElseTheID() {
        let link = "https://app.fullstory.com/ui/o-1/session/5843956264747008%3A7277829567598157832"
        let api = "https://api.fullstory.com"
        #expect(SessionPin(session: Self.session, source: .contactAttribute, link: link, orgID: "o-2", fullStoryAPIURL: api).attributeValue == link)
        #expect(
            SessionPin(session: Self.session, source: .listSessions, link: nil, orgID: "o-2", fullStoryAPIURL: api).attributeValue
                == "https://app.fullstory.com/ui/o-2/session/5843956264747008%3A7277829567598157832")
        #expect(SessionPin(session: Self.session, source: .contactAttribute, link: Self.session.value, orgID: nil, fullStoryAPIURL: api).attributeValue == Self.session.value)
        #expect(SessionPin(session: Self.session, source: .contactAttribute, link: nil, orgID: nil, fullStoryAPIURL: api).needsWriting)
        #expect(!SessionPin(session: Self.session, source: .conversationAttribute, link: nil, orgID: nil, fullStoryAPIURL: api).needsWriting)
    }

    @Test func listSessionsAnswersAreReadInTheSchemaAndTheExampleForm() {
        let strings = #"{"sessions":[{"userId":"1234567890","sessionId":"111","createdTime":"1411492739","fsUrl":"https://www.fullstory.com/ui/ORG_ID/discover/session/1234567890:111"},{"userId":"1234567890","sessionId":"222","createdTime":"1411492800","fsUrl":"https://app.fullstory.com/ui/o-1/session/1234567890%3A999"}]}"#
        let newest = ListedSession.newest(inListSessionsJSON: Array(strings.utf8))
        #expect(newest?.id.value == "1234567890:222", "the newest by createdTime, whatever the order")
        #expect(newest?.createdAt == 1_411_492_800)
        #expect(newest?.replayURL == nil, "an fsUrl naming another session is not used")
        let numbers = #"{"sessions":[{"userId":5843956264747008,"sessionId":7277829567598157832,"createdTime":1768031700,"fsUrl":"https://app.fullstory.com/ui/o-1/session/5843956264747008%3A7277829567598157832"}]}"#
        let numeric = ListedSession.newest(inListSessionsJSON: Array(numbers.utf8))
        #expect(numeric?.id == Self.session)
        #expect(numeric?.replayURL == "https://app.fullstory.com/ui/o-1/session/5843956264747008%3A7277829567598157832")
        let milliseconds = #"{"sessions":[{"userId":"1","sessionId":"2","createdTime":1768031700123}]}"#
        #expect(ListedSession.newest(inListSessionsJSON: Array(milliseconds.utf8))?.createdAt == 1_768_031_700)
        for body in [#"{"sessions":[]}"#, "{}", "not json", #"{"sessions":[{"userId":"1"}]}"#, #"{"sessions":[{"userId":"a b","sessionId":"2","createdTime":1}]}"#, #"{"sessions":{"userId":"1"}}"#] {
            #expect(ListedSession.newest(inListSessionsJSON: Array(body.utf8)) == nil, "\(body)")
        }
    }

    static func pinMessage() -> PinMessage {
        PinMessage(
            conversationID: "215472621202693", attribute: "fs_session_id",
            pin: SessionPin(session: session, source: .listSessions, link: nil, orgID: "o-1", fullStoryAPIURL: "https://api.fullstory.com"),
            origin: .init(topic: "conversation.user.created", notificationID: "notif_1", appID: "abc123def"), reason: .intercomUnavailable,
            queuedAt: 1_796_000_000)
    }

    @Test func pinMessagesRoundTripAndAreToldFromDeliveryMessages() throws {
        let message = Self.pinMessage()
        let text = message.encoded()
        #expect(text.contains(#""type":"intercom-fullstory.pin","version":1"#))
        #expect(try QueuedMessage.decode(text).get() == .pin(message))
        // A pin message is not a delivery message, and the other way round.
        #expect(DeliveryMessage.decode(text) == .failure(.notOurs))
        let committed = readFile(repositoryRoot + "/Tests/Fixtures/messages/pin.v1.json")
        guard case .success(.pin(let stored)) = QueuedMessage.decode(committed) else {
            Issue.record("the committed pin message does not decode")
            return
        }
        #expect(stored.pin.session.value == "5843956264747008:7277829567598157832")
        #expect(stored.pin.attributeValue == "https://app.fullstory.com/ui/o-1/session/5843956264747008%3A7277829567598157832")
    }

    @Test func damagedPinMessagesAreRefusedWithTheField() {
        let good = Self.pinMessage().encoded()
        func problem(_ text: String) -> QueuedMessage.DecodingError? {
            if case .failure(let error) = QueuedMessage.decode(text) { error } else { nil }
        }
        #expect(problem(good.replacingFirst(#""version":1"#, with: #""version":2"#)) == .unsupportedVersion(2))
        #expect(problem(good.replacingFirst("https://app.fullstory.com/ui/o-1/session/5843956264747008%3A7277829567598157832", with: "Unknown")) == .invalid("value is not a FullStory session"))
        #expect(problem(good.replacingFirst("list_sessions", with: "conversation_attribute")) == .invalid("session_source"))
        #expect(problem(good.replacingFirst("215472621202693", with: "../x")) == .invalid("conversation_id"))
        #expect(problem(good.replacingFirst("intercom_unavailable", with: "bored")) == .invalid("reason"))
        #expect(problem(#"{"type":"intercom-fullstory.other","version":1}"#) == .notOurs)
    }

    @Test func theUpdateBodySetsOneAttribute() {
        let body = String(decoding: ConversationUpdate.body(attribute: "fs_session_id", value: "1:2"), as: UTF8.self)
        #expect(body == #"{"custom_attributes":{"fs_session_id":"1:2"}}"#)
    }

    @Test func updateAnswersTellRetriesFromRefusals() {
        func classify(_ status: Int, _ body: String = "{}") -> ConversationUpdate.Reply {
            ConversationUpdate.classify(status: status, body: Array(body.utf8), retryAfter: "7", attribute: "fs_session_id")
        }
        #expect(classify(200) == .written)
        #expect(classify(429) == .retryable(status: 429, retryAfterSeconds: 7))
        #expect(classify(503) == .retryable(status: 503, retryAfterSeconds: 7))
        #expect(classify(404, #"{"type":"error.list","errors":[{"code":"not_found","message":"Resource Not Found"}]}"#) == .conversationNotFound)
        guard case .refused(_, let code, let fix) = classify(400, #"{"type":"error.list","errors":[{"code":"parameter_invalid","message":"Custom attribute 'fs_session_id' does not exist"}]}"#)
        else { Issue.record("a missing attribute is a refusal"); return }
        #expect(code == "parameter_invalid")
        #expect(fix.contains(#"conversation data attribute "fs_session_id""#) && fix.contains("intercom-fullstory setup"))
        guard case .refused(_, _, let permission) = classify(401, #"{"type":"error.list","errors":[{"code":"token_unauthorized","message":"Not authorized to access resource"}]}"#)
        else { Issue.record("a missing permission is a refusal"); return }
        #expect(permission.contains("Write conversations"))
        guard case .refused(_, _, let token) = classify(401, #"{"type":"error.list","errors":[{"code":"unauthorized","message":"Access Token Invalid"}]}"#)
        else { Issue.record("a bad token is a refusal"); return }
        #expect(token.contains("set a valid access token"))
    }

    @Test func fullStorysAnswerToAKeyReusedWithAnotherBodyIsTold() {
        func classify(_ status: Int, _ body: String) -> FullStoryReply {
            FullStoryReply.classify(status: status, body: Array(body.utf8), retryAfter: nil)
        }
        #expect(classify(400, #"{"code":"invalid_argument","message":"idempotency key reused with another body"}"#)
            == .keyUsedWithAnotherBody(status: 400, code: "invalid_argument"))
        #expect(classify(409, #"{"code":"idempotency_conflict","message":"the request body does not match"}"#)
            == .keyUsedWithAnotherBody(status: 409, code: "idempotency_conflict"))
        #expect(classify(422, #"{"code":"failed_precondition","message":"The Idempotency-Key was used with a different request"}"#)
            == .keyUsedWithAnotherBody(status: 422, code: "failed_precondition"))
        // Naming the key is not enough: a bad header is a refusal, a request still in progress is retried.
        #expect(classify(400, #"{"code":"invalid_argument","message":"invalid Idempotency-Key header"}"#) == .rejected(status: 400, code: "invalid_argument"))
        #expect(classify(409, #"{"code":"aborted","message":"a request with this idempotency key is in progress"}"#) == .retryable(status: 409, retryAfterSeconds: nil))
        #expect(classify(400, #"{"code":"invalid_argument","message":"name is required"}"#) == .rejected(status: 400, code: "invalid_argument"))
        #expect(classify(400, #"{"code":"session_page_limit_exceeded","message":"full"}"#) == .sessionFull)
        #expect(classify(404, #"{"code":"idempotency","message":"body reused"}"#) == .refused(status: 404, code: "idempotency"))
    }

    static func draft(_ body: String) -> EventDraft? {
        guard let notification = try? IntercomNotification.decode(Array(body.utf8)), let route = TopicTable.route(for: notification.topic),
            let conversation = IntercomConversation(notification.item)
        else { return nil }
        return EventMapper(sessionAttribute: "fs_session_id", inboxBaseURL: "https://app.intercom.com")
            .draft(route: route, notification: notification, conversation: conversation)
    }

    @Test func onlyACustomersNewConversationOfAPI2IsAPinTarget() throws {
        let opened = readFile(repositoryRoot + "/events/bodies/opened.json")
        let target = try #require(Self.draft(opened)?.pinTarget)
        #expect(target == PinTarget(conversationID: "215472621202693", conversationCreatedAt: 1_768_031_789, startedInMessenger: true))
        #expect(Self.draft(opened)?.isIntercomRetry == false)
        #expect(Self.draft(opened.replacingFirst(#""delivery_attempts":1"#, with: #""delivery_attempts":2"#))?.isIntercomRetry == true)
        #expect(Self.draft(opened.replacingFirst(#""source":{"type":"conversation""#, with: #""source":{"type":"email""#))?.pinTarget?.startedInMessenger == false)
        // 1.x carries no source.type and no conversation attributes; a close is no target.
        let legacy = readFile(repositoryRoot + "/Tests/Fixtures/notifications/conversation.user.created.1x-lead.json")
        #expect(Self.draft(legacy) != nil)
        #expect(Self.draft(legacy)?.pinTarget == nil)
        #expect(Self.draft(readFile(repositoryRoot + "/events/bodies/closed.json"))?.pinTarget == nil)
    }

    @Test func aPinInLinkFormOnTheConversationLinksLaterEvents() throws {
        let link = "https://app.eu1.fullstory.com/ui/o-1/session/5843956264747008%3A7277829567598157832"
        let closed = readFile(repositoryRoot + "/events/bodies/closed.json")
            .replacingFirst(#""custom_attributes":{"#, with: #""custom_attributes":{"fs_session_id":"\#(link)","#)
        let draft = try #require(Self.draft(closed))
        #expect(draft.event(contactSessionAttribute: "1:2").link == .session(Self.session, source: .conversationAttribute))
        #expect(draft.existingPin?.attributeValue == link)
    }
}
