#if canImport(Glibc)
import Glibc
#endif
import FlatJSON
import ISO8601Format
import IntercomFullStory
import TestSupport
import Testing

/// `intercom-fullstory backfill` as a user runs it, against stand-ins for Intercom's search and FullStory.
@Suite(.serialized) struct BackfillCommandTests {
    static let since = 1_764_547_200  // 2025-12-01T00:00:00Z
    static let until = since + 86_400
    static let window = ["--since", "2025-12-01T00:00:00Z", "--until", "2025-12-02T00:00:00Z"]

    struct Rig {
        let intercom: IntercomSearchStandIn
        let fullStory: FullStoryStandIn

        var environment: [String: String] {
            [
                "INTERCOM_ACCESS_TOKEN": IntercomSearchStandIn.token, "INTERCOM_API_URL": intercom.baseURL,
                "FULLSTORY_API_KEY": "na1.backfill-test-key", "FULLSTORY_API_URL": fullStory.baseURL,
            ]
        }

        func run(_ arguments: [String], environment extra: [String: String] = [:]) throws -> CommandRun.Outcome {
            var variables = environment
            for (name, value) in extra { variables[name] = value }
            return try CommandRun.run(["backfill"] + arguments, environment: variables)
        }

        func shutdown() {
            intercom.shutdown()
            fullStory.shutdown()
        }
    }

    static func rig(
        _ conversations: [SearchedConversation], reading: IntercomSearchStandIn.BoundReading = .strict,
        intercomFailures: [Int: IntercomSearchStandIn.Failure] = [:], fullStoryDelay: Int64 = 0,
        rejectInBatch: Set<String> = [], loseInBatch: Set<String> = [], fullStoryScript: [Int: StandInServer.Reply] = [:]
    ) throws -> Rig {
        Rig(
            intercom: try IntercomSearchStandIn(conversations: conversations.map(\.json), reading: reading, failures: intercomFailures),
            fullStory: try FullStoryStandIn(
                delayMilliseconds: fullStoryDelay, rejectInBatch: rejectInBatch, loseInBatch: loseInBatch, script: fullStoryScript))
    }

    static func summary(_ outcome: CommandRun.Outcome) throws -> JSONValue {
        let last = try #require(outcome.output.split(separator: "\n").last, "a summary on standard output: \(outcome.errors)")
        return try JSONDocument(parsing: String(last)).root
    }

    /// Conversations around the window's edges, one feature each, and what they must give.
    static var edges: (conversations: [SearchedConversation], expected: Set<FullStoryStandIn.Recorded>) {
        var list: [SearchedConversation] = []
        var expected: Set<FullStoryStandIn.Recorded> = []
        func add(_ conversation: SearchedConversation, _ events: [(String, Int)]) {
            list.append(conversation)
            for (name, moment) in events {
                expected.insert(.init(name: name, conversationID: conversation.id, timestamp: ISO8601.format(unixSeconds: moment), key: nil, viaBatch: false))
            }
        }
        let opened = "Intercom Conversation Opened", closed = "Intercom Conversation Closed", rated = "Intercom Conversation Rated"
        add(SearchedConversation(id: "at-since", createdAt: since), [(opened, since)])
        add(SearchedConversation(id: "at-until", createdAt: until), [])
        add(SearchedConversation(id: "second-before", createdAt: since - 1, updatedAt: since - 1), [])
        add(SearchedConversation(id: "second-inside", createdAt: since + 1), [(opened, since + 1)])
        add(SearchedConversation(id: "last-second", createdAt: until - 1), [(opened, until - 1)])
        var reopened = SearchedConversation(id: "closed-then-reopened", createdAt: since - 7200, updatedAt: since + 4000)
        reopened.lastCloseAt = since + 3600
        reopened.lastClosedByID = "9608799"
        reopened.externalID = "user-reopened"
        add(reopened, [(closed, since + 3600)])
        var unscored = SearchedConversation(id: "rating-without-score", createdAt: since - 7200, updatedAt: since + 100)
        unscored.rating = (nil, since + 100)
        add(unscored, [])
        var rating = SearchedConversation(id: "rated-with-session", createdAt: since - 7200, updatedAt: since + 5000)
        rating.rating = (5, since + 5000)
        rating.sessionAttribute = "5629499534213120:6392134624958464"
        add(rating, [(rated, since + 5000)])
        var closedLater = SearchedConversation(id: "closed-after-until", createdAt: since + 10, updatedAt: until + 100)
        closedLater.lastCloseAt = until + 50
        closedLater.closeAtAsText = true
        add(closedLater, [(opened, since + 10)])
        // Enough of nothing to make three pages: updated inside the window, no event in it.
        for index in 0..<320 {
            list.append(SearchedConversation(id: "filler-\(index)", createdAt: since - 86_400, updatedAt: since + 60 + index))
        }
        return (list, expected)
    }

    static func recordedIgnoringKeys(_ fullStory: FullStoryStandIn) -> [FullStoryStandIn.Recorded] {
        fullStory.recorded.map { .init(name: $0.name, conversationID: $0.conversationID, timestamp: $0.timestamp, key: nil, viaBatch: false) }
    }

    @Test(arguments: [IntercomSearchStandIn.BoundReading.strict, .inclusive])
    func theWindowsEventsAreSentOnceWhateverTheBoundsMean(_ reading: IntercomSearchStandIn.BoundReading) throws {
        let (conversations, expected) = Self.edges
        let rig = try Self.rig(conversations, reading: reading, intercomFailures: [2: .rateLimited(resetInSeconds: 1), 3: .serverError])
        defer { rig.shutdown() }
        let outcome = try rig.run(Self.window)
        #expect(outcome.status == 0, "\(outcome.errors)")
        let recorded = Self.recordedIgnoringKeys(rig.fullStory)
        #expect(Set(recorded) == expected)
        #expect(recorded.count == expected.count, "each once")
        #expect(rig.intercom.searches.count == 5, "three pages, one 429 and one 500 retried")
        #expect(rig.intercom.intercomVersions.allSatisfy { $0 == "2.14" })
        #expect(outcome.errors.contains("rate limit"))
        let summary = try Self.summary(outcome)
        #expect(summary["sent"]?.int == expected.count)
        #expect(summary["via"]?.string == "create_event")
        // The bounds' two readings differ by the two conversations on them, and give the same events.
        #expect(summary["conversations_read"]?.int == conversations.count - (reading == .strict ? 2 : 0))
        #expect(summary["skipped", "rating without a score"]?.int == 1)
        #expect(summary["events", "Intercom Conversation Opened"]?.int == 4)
        // Each request carries its deterministic key; past events are not pinned on a live session.
        for request in rig.fullStory.requests {
            let body = try JSONDocument(parsing: request.body).root
            #expect(request.header("Idempotency-Key")?.count == 36)
            #expect(body["session", "use_most_recent"] == nil)
            #expect(body["properties", "backfilled"]?.bool == true)
            #expect(!request.bodyText.contains("conversation message text"))
        }
        let reopened = try #require(rig.fullStory.requests.first { $0.bodyText.contains("closed-then-reopened") })
        #expect(try JSONDocument(parsing: reopened.body).root["user", "uid"]?.string == "user-reopened")
        let rated = try #require(rig.fullStory.requests.first { $0.bodyText.contains("rated-with-session") })
        #expect(try JSONDocument(parsing: rated.body).root["session", "id"]?.string == "5629499534213120:6392134624958464")
    }

    @Test func aDryRunPrintsEachEventAndSendsNothing() throws {
        let (conversations, expected) = Self.edges
        let rig = try Self.rig(conversations)
        defer { rig.shutdown() }
        let outcome = try rig.run(Self.window + ["--dry-run"], environment: ["FULLSTORY_API_KEY": ""])
        #expect(outcome.status == 0, "\(outcome.errors)")
        let lines = outcome.output.split(separator: "\n").map(String.init)
        #expect(lines.count == expected.count + 1)
        for line in lines.dropLast() {
            let root = try JSONDocument(parsing: line).root
            #expect(root["idempotency_key"]?.string?.count == 36)
            #expect(root["body", "name"]?.string?.hasPrefix("Intercom Conversation") == true)
        }
        #expect(try Self.summary(outcome)["dry_run"]?.bool == true)
        #expect(rig.fullStory.requests.isEmpty)
        // Nor does it make or change a state file.
        let state = "/tmp/intercom-fullstory-backfill-dry-\(getpid()).state"
        unlink(state)
        #expect(try rig.run(Self.window + ["--dry-run", "--state", state], environment: ["FULLSTORY_API_KEY": ""]).status == 0)
        #expect(!fileExists(state))
    }

    @Test func aRerunSendsNothingTwice() throws {
        let (conversations, expected) = Self.edges
        let rig = try Self.rig(conversations)
        defer { rig.shutdown() }
        let state = "/tmp/intercom-fullstory-backfill-rerun-\(getpid()).state"
        unlink(state)
        defer { unlink(state) }
        #expect(try rig.run(Self.window + ["--state", state]).status == 0)
        let requestsAfterFirst = rig.fullStory.createEventRequests
        // With the state: nothing is sent at all.
        let again = try rig.run(Self.window + ["--state", state])
        #expect(again.status == 0, "\(again.errors)")
        #expect(rig.fullStory.createEventRequests == requestsAfterFirst)
        #expect(try Self.summary(again)["already_sent"]?.int == expected.count)
        #expect(try Self.summary(again)["sent"]?.int == 0)
        // Without it, the same keys: FullStory records nothing twice.
        #expect(try rig.run(Self.window).status == 0)
        #expect(rig.fullStory.recorded.count == expected.count)
    }

    @Test(arguments: [SIGKILL, SIGTERM])
    func anInterruptedRunCarriesOnAndSendsEachEventOnce(_ signal: Int32) throws {
        var conversations: [SearchedConversation] = []
        for index in 0..<300 {
            var conversation = SearchedConversation(id: "c\(index)", createdAt: Self.since + index)
            conversation.externalID = "user-\(index)"
            conversations.append(conversation)
        }
        let rig = try Self.rig(conversations, fullStoryDelay: 40)
        defer { rig.shutdown() }
        let state = "/tmp/intercom-fullstory-backfill-resume-\(getpid())-\(signal).state"
        unlink(state)
        defer { unlink(state) }
        var environment = rig.environment
        environment["PATH"] = "/usr/bin:/bin"
        let (process, errorsPath) = try CommandRun.start(["backfill"] + Self.window + ["--state", state], environment: environment)
        var waited = 0
        while rig.fullStory.recorded.count < 60, waited < 2000, process.waitForExit(timeoutMilliseconds: 0) == nil {
            usleep(5000)
            waited += 1
        }
        process.send(signal)
        let status = process.waitForExit(timeoutMilliseconds: 10_000)
        let sentBefore = rig.fullStory.recorded.count
        #expect(sentBefore >= 60 && sentBefore < 300, "stopped midway: \(sentBefore) sent")
        if signal == SIGTERM {
            #expect(status == 130, "\(readFile(errorsPath))")
            #expect(readFile(errorsPath).contains("run the same command with --state"))
            #expect(readFile(process.outputPath).contains(#""interrupted":true"#))
        }
        unlink(errorsPath)
        unlink(process.outputPath)

        let resumed = try rig.run(Self.window + ["--state", state])
        #expect(resumed.status == 0, "\(resumed.errors)")
        let recorded = rig.fullStory.recorded
        #expect(recorded.count == 300, "every event of the window")
        #expect(Set(recorded.compactMap(\.key)).count == 300, "none recorded twice")
        #expect(Set(recorded.compactMap(\.conversationID)) == Set((0..<300).map { "c\($0)" }))
        // Those in flight when it stopped were sent again, under the same keys: FullStory recorded them once.
        #expect(try Self.summary(resumed)["already_sent"]?.int ?? 0 >= sentBefore - 10)
    }

    @Test func batchImportWithAJobThatFails() throws {
        var conversations: [SearchedConversation] = []
        for index in 0..<40 { conversations.append(SearchedConversation(id: "b\(index)", createdAt: Self.since + index)) }
        let rig = try Self.rig(conversations, rejectInBatch: ["b3", "b7", "b11"])
        defer { rig.shutdown() }
        let outcome = try rig.run(Self.window + ["--via", "batch", "--poll-seconds", "0.05"])
        #expect(outcome.status == 0, "\(outcome.errors)")
        let summary = try Self.summary(outcome)
        #expect(summary["via"]?.string == "batch")
        #expect(summary["sent"]?.int == 37)
        #expect(summary["refused"]?.int == 3)
        #expect(rig.fullStory.jobCount == 1)
        #expect(rig.fullStory.createEventRequests == 0)
        #expect(Set(rig.fullStory.recorded.compactMap(\.conversationID)) == Set((0..<40).map { "b\($0)" }).subtracting(["b3", "b7", "b11"]))
        #expect(outcome.errors.contains("FullStory did not import an event: invalid_argument"))
        #expect(outcome.errors.contains("batch import job job-1 created for 40 events"))
    }

    /// A FAILED job whose imports and errors listings leave events out: those are not counted as sent; they stay
    /// unsettled in the state file (exit 1), and the next run sends them through Create Event with their own keys,
    /// reported as possibly duplicated.
    @Test func whatAFailedJobLeavesUnconfirmedIsSentAgainThroughCreateEvent() throws {
        var conversations: [SearchedConversation] = []
        for index in 0..<20 { conversations.append(SearchedConversation(id: "l\(index)", createdAt: Self.since + index)) }
        let rig = try Self.rig(conversations, rejectInBatch: ["l2"], loseInBatch: ["l4", "l9"])
        defer { rig.shutdown() }
        let state = "/tmp/intercom-fullstory-backfill-unconfirmed-\(getpid()).state"
        unlink(state)
        defer { unlink(state) }
        let arguments = Self.window + ["--via", "batch", "--poll-seconds", "0.05", "--state", state]

        let first = try rig.run(arguments)
        #expect(first.status == 1, "events are unconfirmed: \(first.errors)")
        let summary = try Self.summary(first)
        #expect(summary["sent"]?.int == 17)
        #expect(summary["refused"]?.int == 1)
        #expect(summary["unconfirmed"]?.int == 2)
        #expect(first.errors.contains("2 of its events are neither in its imports nor in its errors"))
        #expect(rig.fullStory.createEventRequests == 0)

        let second = try rig.run(arguments)
        #expect(second.status == 0, "\(second.errors)")
        let resent = try Self.summary(second)
        #expect(resent["possibly_duplicated"]?.int == 2)
        #expect(resent["sent"]?.int == 2)
        #expect(resent["already_sent"]?.int == 18)
        #expect(second.errors.contains("possibly duplicated"))
        let viaCreateEvent = rig.fullStory.recorded.filter { !$0.viaBatch }
        #expect(Set(viaCreateEvent.compactMap(\.conversationID)) == ["l4", "l9"])
        #expect(viaCreateEvent.allSatisfy { $0.key != nil }, "each under its own key")
        #expect(rig.fullStory.jobCount == 1, "no second job")

        let third = try rig.run(arguments)
        #expect(third.status == 0)
        #expect(try Self.summary(third)["to_send"]?.int == 0)
    }

    @Test func overAThousandEventsNeedConfirmationAndGoThroughBatchImport() throws {
        var conversations: [SearchedConversation] = []
        for index in 0..<1001 { conversations.append(SearchedConversation(id: "m\(index)", createdAt: Self.since + index)) }
        let rig = try Self.rig(conversations)
        defer { rig.shutdown() }
        let refused = try rig.run(Self.window)
        #expect(refused.status == 64, "no terminal, no --yes")
        #expect(refused.errors.contains("1001 events to send, more than 1000: confirm on a terminal, or pass --yes"))
        #expect(rig.fullStory.requests.isEmpty)
        let confirmed = try rig.run(Self.window + ["--yes", "--poll-seconds", "0.05"])
        #expect(confirmed.status == 0, "\(confirmed.errors)")
        #expect(try Self.summary(confirmed)["via"]?.string == "batch")
        #expect(rig.fullStory.recorded.count == 1001)
        #expect(confirmed.errors.contains("1001 events to send; FullStory counts them against the plan's monthly quota"))
    }

    @Test func aStateFileForAnotherRunIsRefused() throws {
        let rig = try Self.rig([SearchedConversation(id: "s1", createdAt: Self.since + 5)])
        defer { rig.shutdown() }
        let state = "/tmp/intercom-fullstory-backfill-other-\(getpid()).state"
        unlink(state)
        defer { unlink(state) }
        #expect(try rig.run(Self.window + ["--state", state, "--topic", "conversation.user.created"]).status == 0)
        let otherTopics = try rig.run(Self.window + ["--state", state])
        #expect(otherTopics.status == 64)
        #expect(otherTopics.errors.contains("was written for another run"))
        let otherWindow = try rig.run(["--since", "2025-11-30T00:00:00Z", "--until", "2025-12-02T00:00:00Z", "--state", state, "--topic", "conversation.user.created"])
        #expect(otherWindow.status == 64)
        #expect(otherWindow.errors.contains("window [2025-12-01T00:00:00Z, 2025-12-02T00:00:00Z)"))
        // A relative --since and the default --until are resolved once: the same options carry on.
        let relative = "/tmp/intercom-fullstory-backfill-relative-\(getpid()).state"
        unlink(relative)
        defer { unlink(relative) }
        #expect(try rig.run(["--since", "3650d", "--state", relative]).status == 0)
        #expect(try rig.run(["--since", "3650d", "--state", relative]).status == 0)
        #expect(try rig.run(["--since", "3000d", "--state", relative]).status == 64)
    }

    @Test func anUnreadableStateIsAUsageError() throws {
        let rig = try Self.rig([])
        defer { rig.shutdown() }
        let garbage = "/tmp/intercom-fullstory-backfill-garbage-\(getpid()).state"
        FileDescriptorWriter.write("not a state file\n", to: garbage)
        defer { unlink(garbage) }
        let outcome = try rig.run(Self.window + ["--state", garbage])
        #expect(outcome.status == 64)
        #expect(outcome.errors.contains("is not a backfill state file"))
        let directory = try rig.run(Self.window + ["--state", "/tmp"])
        #expect(directory.status == 64)
        #expect(rig.intercom.requestCount == 0)
    }

    @Test func intercomRefusingTheTokenNamesIt() throws {
        let rig = try Self.rig([SearchedConversation(id: "t1", createdAt: Self.since)])
        defer { rig.shutdown() }
        let outcome = try rig.run(Self.window, environment: ["INTERCOM_ACCESS_TOKEN": "not-the-token"])
        #expect(outcome.status == 1)
        #expect(outcome.errors.contains("Intercom refused INTERCOM_ACCESS_TOKEN (401)"))
        #expect(!outcome.errors.contains("not-the-token"))
        #expect(rig.fullStory.requests.isEmpty)
    }

    @Test func fullStoryRefusingTheKeyStopsTheRun() throws {
        var conversations: [SearchedConversation] = []
        for index in 0..<30 { conversations.append(SearchedConversation(id: "k\(index)", createdAt: Self.since + index)) }
        let rig = try Self.rig(conversations, fullStoryScript: Dictionary(uniqueKeysWithValues: (1...30).map { ($0, StandInServer.Reply.json(401, #"{"code":"unauthorized"}"#)) }))
        defer { rig.shutdown() }
        let outcome = try rig.run(Self.window)
        #expect(outcome.status == 1)
        #expect(outcome.errors.contains("FullStory refused FULLSTORY_API_KEY or FULLSTORY_API_URL (401)"))
        #expect(rig.fullStory.createEventRequests <= 10, "no request started after the refusal")
    }

    struct BadInput: Sendable, CustomStringConvertible {
        var arguments: [String]
        var environment: [String: String] = [:]
        var message: String
        var description: String { message }
    }

    static let badInputs: [BadInput] = [
        BadInput(arguments: ["--since", "last tuesday"], message: "--since \"last tuesday\" is neither an ISO 8601 time"),
        BadInput(arguments: ["--since", "2025-12-01T00:00:00Z", "--until", "2025-12-01"], message: "--until \"2025-12-01\" is not an ISO 8601 time"),
        BadInput(arguments: ["--since", "2025-12-02T00:00:00Z", "--until", "2025-12-01T00:00:00Z"], message: "must be before --until"),
        BadInput(arguments: window + ["--topic", "ticket.created"], message: "--topic ticket.created cannot be backfilled; these can: conversation.user.created"),
        BadInput(arguments: window, environment: ["INTERCOM_ACCESS_TOKEN": ""], message: "INTERCOM_ACCESS_TOKEN is required"),
        BadInput(arguments: window, environment: ["FULLSTORY_API_KEY": ""], message: "FULLSTORY_API_KEY is required"),
        BadInput(arguments: window, environment: ["FULLSTORY_API_URL": "http://fullstory.example"], message: "FULLSTORY_API_URL must be an https:// URL"),
        BadInput(arguments: ["--until", "2025-12-01T00:00:00Z"], message: "Missing expected argument '--since <since>'"),
    ]

    @Test(arguments: badInputs)
    func badInputIsAUsageErrorAndSendsNothing(_ input: BadInput) throws {
        let rig = try Self.rig([SearchedConversation(id: "x", createdAt: Self.since)])
        defer { rig.shutdown() }
        let outcome = try rig.run(input.arguments, environment: input.environment)
        #expect(outcome.status == 64)
        #expect(outcome.errors.contains(input.message), "\(outcome.errors)")
        #expect(rig.intercom.requestCount == 0)
        #expect(rig.fullStory.requests.isEmpty)
    }
}

/// Writing a small file in a test.
enum FileDescriptorWriter {
    static func write(_ text: String, to path: String) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { return }
        _ = Array(text.utf8).withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
    }
}
