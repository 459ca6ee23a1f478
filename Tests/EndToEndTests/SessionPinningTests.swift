import AWSSQS
import FlatJSON
import IntercomFullStory
import TestSupport
import Testing

/// Session pinning end to end: the real bootstrap under the emulator with `INTERCOM_PIN_SESSIONS=true`, an
/// Intercom stand-in (contacts, conversations, data attributes) and a FullStory stand-in (Create Event with its
/// idempotency rules, List Sessions); moto as the delivery queue where a test needs one.
@Suite(.serialized) struct SessionPinningTests {
    static let conversationID = NotificationSamples.conversationID
    static let contactID = NotificationSamples.contactID
    static let conversationCreated = NotificationSamples.conversationCreated
    static let contactLink = "https://app.fullstory.com/ui/o-1/session/111%3A222"
    static let openedEvent = "Intercom Conversation Opened"

    struct Rig {
        let fullStory: FullStoryStandIn
        let intercom: IntercomStandIn
        let base: EmulatorRig

        var emulator: EmulatorHarness { base.emulator }

        func invoke(_ body: String) throws -> JSONValue { try emulator.invoke(SignedEvents.restAPI(body: Array(body.utf8))).response }

        /// The Opened events FullStory recorded, by their session (`nil`: none).
        var openedSessions: [String?] {
            zip(fullStory.recorded, fullStory.sessionOfRecorded).filter { $0.0.name == SessionPinningTests.openedEvent }.map(\.1)
        }

        /// Lambda's event source mapping, by hand.
        func drain() throws { try base.drain() }

        @discardableResult
        func shutdown() -> String { base.shutdown() }
    }

    static func rig(
        intercom: IntercomStandIn? = nil, fullStory: FullStoryStandIn? = nil, pinning: Bool = true, queueName: String? = nil,
        environment: [String: String?] = [:]
    ) throws -> Rig {
        let intercom = try intercom ?? IntercomStandIn()
        let fullStory = try fullStory ?? FullStoryStandIn()
        var variables: [String: String?] = ["INTERCOM_ACCESS_TOKEN": IntercomStandIn.token]
        if pinning { variables["INTERCOM_PIN_SESSIONS"] = "true" }
        for (name, value) in environment { variables[name] = value }
        let base = try EmulatorRig(
            standIns: [
                .init(variable: "FULLSTORY_API_URL", baseURL: fullStory.baseURL, shutdown: { fullStory.shutdown() }),
                .init(variable: "INTERCOM_API_URL", baseURL: intercom.baseURL, shutdown: { intercom.shutdown() }),
            ],
            queueName: queueName, environment: variables)
        return Rig(fullStory: fullStory, intercom: intercom, base: base)
    }

    static func opened(
        externalID: String? = "user-42", source: String = "conversation", pinned: String? = nil, attempt: Int = 1,
        notification: String = "notif_pin-1", conversationID: String = conversationID
    ) -> String {
        NotificationSamples.opened(
            externalID: externalID, source: source, pinned: pinned, attempt: attempt, notification: notification, conversationID: conversationID)
    }

    static func closed(pinned: String?) -> String { NotificationSamples.closed(pinned: pinned) }

    static func session(_ id: String, minutesBefore: Int, asNumbers: Bool = false) -> FullStoryStandIn.ListedSession {
        let parts = id.split(separator: ":").map(String.init)
        return .init(userID: parts[0], sessionID: parts[1], createdTime: conversationCreated - minutesBefore * 60, asNumbers: asNumbers)
    }

    static func writtenValue(_ request: StandInServer.Request) -> String? {
        (try? JSONDocument(parsing: request.body).root)?["custom_attributes", "fs_session_id"]?.string
    }

    @Test func pinsTheContactsSessionAndSendsOpenedToIt() throws {
        let rig = try Self.rig()
        defer { rig.shutdown() }
        rig.intercom.setContactAttribute(Self.contactID, "fs_session_id", Self.contactLink)
        let response = try rig.invoke(Self.opened())
        #expect(response.statusCode == 200)
        #expect(response.bodyJSON?["status"]?.string == "delivered")
        #expect(rig.openedSessions == ["111:222"])
        let writes = rig.intercom.conversationWrites
        #expect(writes.count == 1)
        #expect(writes.first?.uri == "/conversations/\(Self.conversationID)")
        #expect(writes.first.flatMap(Self.writtenValue) == Self.contactLink, "the contact's link, as it is")
        #expect(writes.first?.header("Content-Type") == "application/json")
        #expect(writes.first?.header("Intercom-Version") == "2.14")
        #expect(rig.fullStory.listSessionsRequests.isEmpty)
        // The write comes after the event.
        let event = try #require(rig.fullStory.requests.first { $0.uri == "/v2/events" })
        #expect(try #require(writes.first).receivedAt > event.receivedAt)
        let output = rig.shutdown()
        #expect(output.contains(#""pin":"pinned""#) && output.contains(#""pinSource":"contact_attribute""#))
        let metrics = MetricsEndToEndTests.metricLines(output).map(MetricsEndToEndTests.nonZero)
        #expect(metrics.last?["SessionPinned"] == 1 && metrics.last?["Delivered"] == 1)
    }

    @Test(arguments: [false, true])
    func pinsListSessionsNewestSessionAndWritesItsLink(asNumbers: Bool) throws {
        let rig = try Self.rig()
        defer { rig.shutdown() }
        rig.fullStory.setSessions(
            [Self.session("5843956264747008:7277829567598157832", minutesBefore: 10, asNumbers: asNumbers), Self.session("5843956264747008:1", minutesBefore: 3 * 24 * 60)],
            uid: "user-42")
        let response = try rig.invoke(Self.opened())
        #expect(response.statusCode == 200)
        #expect(rig.openedSessions == ["5843956264747008:7277829567598157832"])
        let list = try #require(rig.fullStory.listSessionsRequests.first)
        #expect(rig.fullStory.listSessionsRequests.count == 1)
        #expect(list.uri == "/sessions/v2?uid=user-42&limit=1")
        #expect(list.header("Authorization") == "Basic \(EmulatorHarness.fullStoryKey)")
        #expect(rig.intercom.conversationWrites.first.flatMap(Self.writtenValue)
            == "https://app.fullstory.com/ui/o-E2E-na1/session/5843956264747008%3A7277829567598157832")
        #expect(rig.intercom.conversationAttribute(Self.conversationID, "fs_session_id") != nil)
        #expect(rig.shutdown().contains(#""pinSource":"list_sessions""#))
    }

    @Test func anEmailConversationIsNotLookedForInFullStory() throws {
        let rig = try Self.rig()
        defer { rig.shutdown() }
        rig.fullStory.setSessions([Self.session("1:2", minutesBefore: 1)], uid: "user-42")
        #expect(try rig.invoke(Self.opened(source: "email")).statusCode == 200)
        #expect(rig.fullStory.listSessionsRequests.isEmpty)
        #expect(rig.intercom.conversationWrites.isEmpty)
        #expect(rig.openedSessions == [nil], "linked as before: user.uid and the most recent session")
        #expect(rig.shutdown().contains(#""pinReason":"the conversation did not begin in the Messenger""#))
    }

    @Test func nothingIsPinnedWhenTheNewestSessionIsTooOld() throws {
        let rig = try Self.rig()
        defer { rig.shutdown() }
        rig.fullStory.setSessions([Self.session("1:2", minutesBefore: 24 * 60 + 1)], uid: "user-42")
        #expect(try rig.invoke(Self.opened()).statusCode == 200)
        #expect(rig.fullStory.listSessionsRequests.count == 1)
        #expect(rig.intercom.conversationWrites.isEmpty)
        #expect(rig.openedSessions == [nil])
    }

    @Test func anAlreadyPinnedConversationNeedsNoLookupAndNoWrite() throws {
        let rig = try Self.rig()
        defer { rig.shutdown() }
        rig.intercom.setContactAttribute(Self.contactID, "fs_session_id", "9:9")
        #expect(try rig.invoke(Self.opened(pinned: "https://app.fullstory.com/ui/o-1/session/7%3A8")).statusCode == 200)
        #expect(rig.openedSessions == ["7:8"])
        #expect(rig.intercom.requests.isEmpty, "no contact lookup, no write")
        #expect(rig.fullStory.listSessionsRequests.isEmpty)
        #expect(rig.shutdown().contains(#""pin":"already_pinned""#))
    }

    @Test func pinningIsOffByDefault() throws {
        let rig = try Self.rig(pinning: false)
        defer { rig.shutdown() }
        rig.fullStory.setSessions([Self.session("1:2", minutesBefore: 1)], uid: "user-42")
        rig.intercom.setContactAttribute(Self.contactID, "fs_session_id", Self.contactLink)
        #expect(try rig.invoke(Self.opened()).statusCode == 200)
        #expect(rig.openedSessions == ["111:222"], "the contact lookup still links the event")
        #expect(rig.intercom.conversationWrites.isEmpty)
        #expect(rig.fullStory.listSessionsRequests.isEmpty)
        #expect(!rig.shutdown().contains(#""pin":"#))
    }

    @Test func aFailedWriteIsQueuedAndTheDrainWritesIt() throws {
        let intercom = try IntercomStandIn(writeScript: [1: (IntercomStandIn.error(503, "service_unavailable", "down"), false)])
        let rig = try Self.rig(intercom: intercom, queueName: "pin-queued")
        defer { rig.shutdown() }
        rig.intercom.setContactAttribute(Self.contactID, "fs_session_id", Self.contactLink)
        let response = try rig.invoke(Self.opened())
        #expect(response.statusCode == 200)
        #expect(response.bodyJSON?["status"]?.string == "delivered")
        #expect(rig.intercom.conversationAttribute(Self.conversationID, "fs_session_id") == nil)
        let queue = try #require(rig.base.queues)
        #expect(try queue.sqs.count(queue.delivery).visible == 1)
        try rig.drain()
        #expect(rig.intercom.conversationAttribute(Self.conversationID, "fs_session_id") == Self.contactLink)
        #expect(rig.intercom.conversationWrites.count == 2)
        #expect(rig.openedSessions == ["111:222"], "one Opened event")
        #expect(try queue.sqs.count(queue.delivery) == (0, 0))
        let output = rig.shutdown()
        #expect(output.contains("the pin is queued for redelivery"))
        let metrics = MetricsEndToEndTests.metricLines(output).map(MetricsEndToEndTests.nonZero)
        #expect(metrics.first?["PinFailed"] == 1 && metrics.first?["Delivered"] == 1)
        #expect(metrics.last?["SessionPinned"] == 1)
    }

    @Test func aFailedWriteWithoutAQueueAsksIntercomToRetry() throws {
        let intercom = try IntercomStandIn(writeScript: [1: (IntercomStandIn.error(503, "service_unavailable", "down"), false)])
        let rig = try Self.rig(intercom: intercom)
        defer { rig.shutdown() }
        rig.intercom.setContactAttribute(Self.contactID, "fs_session_id", Self.contactLink)
        let first = try rig.invoke(Self.opened())
        #expect(first.statusCode == 503)
        #expect(first.headersRetryAfter == "60")
        #expect(rig.openedSessions == ["111:222"], "the event went first")
        // Intercom's retry: the same notification, delivery_attempts 2.
        let retry = try rig.invoke(Self.opened(attempt: 2))
        #expect(retry.statusCode == 200)
        #expect(rig.intercom.requests.contains { $0.method == "GET" && $0.uri == "/conversations/\(Self.conversationID)" }, "the retry read the conversation's pin")
        #expect(rig.intercom.conversationAttribute(Self.conversationID, "fs_session_id") == Self.contactLink)
        #expect(rig.openedSessions == ["111:222"], "one Opened event, its resend taken under its key")
        #expect(rig.fullStory.createEventRequests == 2)
        let output = rig.shutdown()
        #expect(output.contains(#""outcome":"pin_not_written""#))
    }

    /// A first attempt whose pin write fails (its write `applied` or not), a later visit changing the contact's
    /// session, and Intercom's retry: the rig and the retry's answer.
    static func retryAfterALaterVisit(writeApplied: Bool) throws -> (Rig, JSONValue) {
        let intercom = try IntercomStandIn(writeScript: [1: (IntercomStandIn.error(503, "service_unavailable", "down"), writeApplied)])
        let rig = try Self.rig(intercom: intercom)
        do {
            rig.intercom.setContactAttribute(Self.contactID, "fs_session_id", Self.contactLink)
            #expect(try rig.invoke(Self.opened()).statusCode == 503)
            rig.intercom.setContactAttribute(Self.contactID, "fs_session_id", "333:444")
            return (rig, try rig.invoke(Self.opened(attempt: 2)))
        } catch {
            rig.shutdown()
            throw error
        }
    }

    @Test func aRetryFindsTheEarlierPinAndSendsTheSameEvent() throws {
        // The first write is applied, but answered with an error (as when the answer is lost on the way).
        let (rig, retry) = try Self.retryAfterALaterVisit(writeApplied: true)
        defer { rig.shutdown() }
        #expect(retry.statusCode == 200)
        #expect(retry.bodyJSON?["status"]?.string == "delivered")
        #expect(rig.intercom.conversationWrites.count == 1, "the pin found is not written again")
        #expect(rig.openedSessions == ["111:222"])
        #expect(rig.fullStory.createEventRequests == 2)
    }

    @Test func aResendThatFindsAnotherSessionIsCountedDelivered() throws {
        // The retry resolves another session: FullStory refuses the key's other body; the event was delivered before.
        let (rig, retry) = try Self.retryAfterALaterVisit(writeApplied: false)
        defer { rig.shutdown() }
        #expect(retry.statusCode == 200)
        #expect(retry.bodyJSON?["status"]?.string == "delivered")
        #expect(rig.openedSessions == ["111:222"])
        #expect(rig.intercom.conversationAttribute(Self.conversationID, "fs_session_id") == "333:444")
        let output = rig.shutdown()
        #expect(output.contains("FullStory already recorded an event under this key with another body"))
        let metrics = MetricsEndToEndTests.metricLines(output).map(MetricsEndToEndTests.nonZero)
        #expect(metrics.last?["Delivered"] == 1 && metrics.last?["Rejected"] == nil)
    }

    @Test func theClosedEventStaysOnThePinAfterALaterVisit() throws {
        let rig = try Self.rig()
        defer { rig.shutdown() }
        rig.intercom.setContactAttribute(Self.contactID, "fs_session_id", Self.contactLink)
        #expect(try rig.invoke(Self.opened()).statusCode == 200)
        // The customer comes back: the browser snippet overwrites the contact's attribute.
        rig.intercom.setContactAttribute(Self.contactID, "fs_session_id", "https://app.fullstory.com/ui/o-1/session/555%3A666")
        let pinned = try #require(rig.intercom.conversationAttribute(Self.conversationID, "fs_session_id"))
        let lookups = rig.intercom.requests.filter { $0.uri.hasPrefix("/contacts/") }.count
        #expect(try rig.invoke(Self.closed(pinned: pinned)).statusCode == 200)
        let closed = zip(rig.fullStory.recorded, rig.fullStory.sessionOfRecorded).first { $0.0.name == "Intercom Conversation Closed" }
        #expect(closed?.1 == "111:222", "on the chat's replay, not the later visit")
        #expect(rig.intercom.requests.filter { $0.uri.hasPrefix("/contacts/") }.count == lookups, "no lookup for a pinned conversation")
        #expect(rig.shutdown().contains(#""sessionLink":"session (conversation_attribute)""#))
    }

    @Test func aRefusedWriteIsAConfigurationErrorLoggedOncePerCause() throws {
        // The conversation attribute was never created: Intercom refuses the write.
        let intercom = try IntercomStandIn(dataAttributes: [.init(name: "fs_session_id", model: "contact", messengerWritable: true)])
        let rig = try Self.rig(intercom: intercom, queueName: "pin-refused")
        defer { rig.shutdown() }
        rig.intercom.setContactAttribute(Self.contactID, "fs_session_id", Self.contactLink)
        for number in 1...2 {
            let response = try rig.invoke(Self.opened(notification: "notif_refused-\(number)", conversationID: "21547262120270\(number)"))
            #expect(response.statusCode == 200, "the event was delivered; a retry cannot help the pin")
        }
        #expect(rig.intercom.conversationWrites.count == 2)
        let queue = try #require(rig.base.queues)
        #expect(try queue.sqs.count(queue.delivery) == (0, 0), "not queued: it would be refused again")
        let output = rig.shutdown()
        let errors = output.split(separator: "\n").filter { $0.contains("Intercom refused to write the session on the conversation") }
        #expect(errors.count == 1, "logged once per cause")
        #expect(errors.first?.contains(#"create the conversation data attribute \"fs_session_id\""#) == true)
        let metrics = MetricsEndToEndTests.metricLines(output).map(MetricsEndToEndTests.nonZero)
        #expect(metrics.map { $0["PinRefused"] ?? 0 } == [1, 1], "counted as refusals (PinRefusedAlarm)")
        #expect(metrics.map { $0["PinFailed"] ?? 0 } == [0, 0], "not as failures for a time")
        #expect(output.contains(#""pin":"refused""#))
    }

    @Test func aTicketLinkedToAPinnedConversationGoesOnItsSession() throws {
        let rig = try Self.rig(environment: ["FULLSTORY_EVENT_TOPICS": "ticket.created"])
        defer { rig.shutdown() }
        rig.intercom.setContactAttribute(Self.contactID, "fs_session_id", Self.contactLink)
        #expect(try rig.invoke(Self.opened(conversationID: "215472629300001")).statusCode == 200)
        rig.intercom.setContactAttribute("696346bbaebb5a479d3851a3", "fs_session_id", "777:888")
        // Ticket payloads name the linked conversation by id only: its pin is read with one call.
        let ticket = readFile(repositoryRoot + "/events/bodies/ticket-created.json")
            .replacingFirst(#""fs_session_id":"5629499534213120:6392134624958464""#, with: #""Other":null"#)
        #expect(try rig.invoke(ticket).statusCode == 200)
        let created = zip(rig.fullStory.recorded, rig.fullStory.sessionOfRecorded).first { $0.0.name == "Intercom Ticket Created" }
        #expect(created?.1 == "111:222")
        #expect(rig.intercom.requests.contains { $0.method == "GET" && $0.uri == "/conversations/215472629300001" })
        #expect(rig.shutdown().contains(#""sessionLink":"session (linked_conversation_attribute)""#))
    }

    @Test func pinningNeedsTheIntercomToken() throws {
        let rig = try Self.rig(environment: ["INTERCOM_ACCESS_TOKEN": nil])
        defer { rig.shutdown() }
        _ = try rig.emulator.invoke(SignedEvents.restAPI(body: Array(Self.opened().utf8)), emulatorStatus: 502)
        #expect(rig.shutdown().contains("INTERCOM_PIN_SESSIONS needs INTERCOM_ACCESS_TOKEN"))
    }
}

extension JSONValue {
    var headersRetryAfter: String? { self["headers", "Retry-After"]?.string }
}
