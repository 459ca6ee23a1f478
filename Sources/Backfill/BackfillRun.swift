#if canImport(Glibc)
import Glibc
#endif
import CurlHTTP
import FlatJSON
import IntercomFullStory
import IntercomFullStoryFunction
import LambdaRuntime
import Synchronization
import SystemClock

/// Set by SIGINT and SIGTERM: the run stops starting work, records what ended, and says how to carry on.
let backfillInterrupted = Atomic<Bool>(false)

/// One `intercom-fullstory backfill`: read the window's conversations from Intercom, say how many events that
/// makes (asking above 1,000), send them (Create Event, or batch import for many), and print a summary. With
/// `--state`, every step is journaled, so that the same command carries on after any interruption and every
/// event of the window is sent once.
public final class BackfillRun {
    /// Bad options or state: the command's usage error (exit 64), nothing sent.
    public struct UsageProblem: Error, CustomStringConvertible {
        public let description: String
    }

    /// The run could not finish (Intercom or FullStory refused, a state it cannot write): exit 1.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private let options: BackfillOptions
    private let configuration: BackfillConfiguration
    private let progress: BackfillProgress
    private let writeOutput: ([UInt8]) -> Void
    private let confirm: (String) -> Bool?
    private let started = SystemClock.monotonicNanoseconds()

    /// - Parameters:
    ///   - confirm: asks a question on a terminal and returns the answer; `nil` when there is no terminal.
    public init(
        options: BackfillOptions, configuration: BackfillConfiguration, writeOutput: @escaping ([UInt8]) -> Void,
        confirm: @escaping (String) -> Bool?
    ) {
        self.options = options
        self.configuration = configuration
        self.writeOutput = writeOutput
        self.confirm = confirm
        progress = BackfillProgress()
    }

    /// Runs to the end; the process's exit status (0, or 1 with events left unsent, or 130 when interrupted).
    public func run() throws -> Int32 {
        Self.catchInterrupts()
        let now = Int(SystemClock.epochMilliseconds() / 1000)
        var journal: StateFile?
        var records: [BackfillJournal.Record] = []
        if let path = options.statePath {
            do {
                (journal, records) = try StateFile.open(path, writable: !options.dryRun)
            } catch {
                throw UsageProblem(description: error.description)
            }
        }
        var state = BackfillState(records)
        let header = try resolveHeader(state.header, now: now)
        if state.header == nil { journal?.append(.header(header)) }
        let alreadySettled = state.settled

        var summary = BackfillSummary(window: header.window, topics: header.topics, dryRun: options.dryRun)
        if !state.readComplete {
            try read(into: &state, header: header, journal: journal)
            if backfillInterrupted.load(ordering: .relaxed) { return interrupted(&summary, state) }
        }
        summary.conversationsRead = state.conversationsRead
        summary.skipped = state.skipped
        for event in state.events { summary.eventsByName[event.name, default: 0] += 1 }

        let pending = state.events.filter { !alreadySettled.contains($0.idempotencyKey) }
        summary.toSend = pending.count
        summary.alreadySent = state.events.count - pending.count
        progress.eventsToSend = pending.count
        progress.note(
            "\(pending.count) event\(pending.count == 1 ? "" : "s") to send"
                + (summary.alreadySent > 0 ? " (\(summary.alreadySent) already sent)" : "")
                + (pending.isEmpty || options.dryRun ? "" : "; FullStory counts them against the plan's monthly quota"))

        if options.dryRun {
            for event in pending { writeOutput(Self.dryRunLine(event)) }
            return finish(&summary, status: 0)
        }
        guard !pending.isEmpty else { return finish(&summary, status: 0) }
        try confirmVolume(pending.count)
        guard let apiKey = configuration.fullStoryAPIKey else {
            throw UsageProblem(description: "FULLSTORY_API_KEY is required (a FullStory API key), unless --dry-run")
        }
        let viaBatch = options.via == .batch || (options.via == .auto && pending.count > BackfillOptions.confirmationThreshold)
        summary.via = viaBatch ? "batch" : "create_event"
        progress.startSending()
        // What a FAILED batch job left unconfirmed goes through Create Event, under each event's own key: FullStory
        // may have imported some of it, so it is reported as possibly duplicated.
        let unconfirmed = state.unconfirmed
        let resent = pending.filter { unconfirmed.contains($0.idempotencyKey) }
        let rest = pending.filter { !unconfirmed.contains($0.idempotencyKey) }
        if !resent.isEmpty {
            summary.possiblyDuplicated = resent.count
            progress.note(
                "\(resent.count) events a failed batch import job left unconfirmed are sent again through Create Event; "
                    + "FullStory may have imported some of them already (possibly duplicated)")
            try sendOneByOne(resent, apiKey: apiKey, journal: journal, summary: &summary)
        }
        if !rest.isEmpty, !backfillInterrupted.load(ordering: .relaxed) {
            if viaBatch {
                try sendInBatches(rest, state: state, apiKey: apiKey, journal: journal, summary: &summary)
            } else {
                try sendOneByOne(rest, apiKey: apiKey, journal: journal, summary: &summary)
            }
        }
        if backfillInterrupted.load(ordering: .relaxed) { return interrupted(&summary, state) }
        if summary.failed > 0 {
            progress.note(
                "\(summary.failed) events could not be sent"
                    + (options.statePath == nil ? "; run again (with --state to skip what was sent)" : "; run the same command again to retry them"))
        }
        if summary.unconfirmed > 0 {
            progress.note(
                "\(summary.unconfirmed) events are unconfirmed (a batch import job failed without naming them)"
                    + (options.statePath == nil
                        ? "; run again with --state to send only those again" : "; run the same command again to send them through Create Event"))
        }
        return finish(&summary, status: summary.failed > 0 || summary.unconfirmed > 0 ? 1 : 0)
    }

    // MARK: Window and state

    /// The header for this run: the state file's, when its window and topics are those asked for; else a new one.
    private func resolveHeader(_ existing: BackfillJournal.Header?, now: Int) throws -> BackfillJournal.Header {
        let topics = options.topicSet
        if let existing {
            let sameSince = existing.sinceOption == options.since
                || BackfillWindow.time(options.since).map { $0 == existing.window.since } == true
            let sameUntil =
                existing.untilOption == options.until
                || options.until.flatMap(BackfillWindow.time).map { $0 == existing.window.until } == true
            let sameTopics = options.topics.isEmpty
                ? Set(existing.topics) == Set(BackfillTopic.allCases.map(\.rawValue))
                : Set(existing.topics) == Set(topics.map(\.rawValue))
            guard sameSince, sameUntil, sameTopics else {
                throw UsageProblem(description:
                    "--state \(options.statePath ?? "") was written for another run (window \(existing.window), topics "
                    + "\(existing.topics.joined(separator: ", "))): use another file, or delete it to start over")
            }
            return existing
        }
        let window: BackfillWindow
        do {
            window = try BackfillWindow(since: options.since, until: options.until, now: now)
        } catch {
            throw UsageProblem(description: error.description)
        }
        return BackfillJournal.Header(window: window, topics: topics, sinceOption: options.since, untilOption: options.until)
    }

    // MARK: Reading

    private func read(into state: inout BackfillState, header: BackfillJournal.Header, journal: StateFile?) throws {
        let intercom = IntercomSearchClient(
            baseURL: configuration.intercomAPIURL, token: configuration.intercomAccessToken,
            http: try HTTPClient(options: configuration.httpOptions), note: progress.note)
        let appID: String?
        do {
            appID = try intercom.workspaceID()
        } catch {
            throw Failure(description: error.description)
        }
        let mapper = BackfillMapper(
            window: header.window, topics: Set(header.topics.compactMap(BackfillTopic.init(rawValue:))), appID: appID,
            sessionAttribute: configuration.sessionAttribute, inboxBaseURL: configuration.inboxBaseURL,
            pageURLPolicy: configuration.pageURLPolicy)
        progress.conversationsRead = state.conversationsRead
        progress.eventsFound = state.events.count
        var cursor = state.nextCursor
        // A state file whose last page had no successor is complete even without its closing record.
        if state.pagesRead > 0, cursor == nil {
            journal?.append(.read(events: state.events.count, conversations: state.conversationsRead))
            return
        }
        while !backfillInterrupted.load(ordering: .relaxed) {
            let page: ConversationSearch.Page
            do {
                page = try intercom.page(window: header.window, startingAfter: cursor)
            } catch {
                throw Failure(description: error.description + (journal == nil ? "" : "; the pages read so far are in --state"))
            }
            var skipped: [String: Int] = [:]
            for item in page.conversations {
                let found = mapper.events(of: item)
                for reason in found.skipped { skipped[reason.rawValue, default: 0] += 1 }
                for event in found.events where !state.eventKeys.contains(event.idempotencyKey) {
                    journal?.append(.event(event))
                    state.apply(.event(event))
                }
            }
            let record = BackfillJournal.Record.page(next: page.nextCursor, conversations: page.conversations.count, skipped: skipped)
            journal?.append(record)
            state.apply(record)
            progress.conversationsRead = state.conversationsRead
            progress.conversationsTotal = page.totalCount
            progress.eventsFound = state.events.count
            progress.update()
            guard let next = page.nextCursor else { break }
            cursor = next
        }
        guard !backfillInterrupted.load(ordering: .relaxed) else { return }
        journal?.append(.read(events: state.events.count, conversations: state.conversationsRead))
        journal?.flush()
        state.apply(.read(events: state.events.count, conversations: state.conversationsRead))
        progress.update(force: true)
    }

    // MARK: Volume

    private func confirmVolume(_ count: Int) throws {
        guard count > BackfillOptions.confirmationThreshold, !options.yes else { return }
        let question = "Send \(count) events to FullStory? They count against the plan's monthly quota. [y/N] "
        switch confirm(question) {
        case .some(true): return
        case .some(false): throw Failure(description: "nothing sent")
        case nil:
            throw UsageProblem(description:
                "\(count) events to send, more than \(BackfillOptions.confirmationThreshold): confirm on a terminal, or pass --yes")
        }
    }

    // MARK: Sending

    private func sendOneByOne(_ events: [FullStoryEvent], apiKey: String, journal: StateFile?, summary: inout BackfillSummary) throws {
        let sender = try CreateEventSender(baseURL: configuration.fullStoryAPIURL, apiKey: apiKey, options: configuration.httpOptions)
        var counts = (sent: 0, refused: 0, failed: 0)
        defer {
            summary.sent += counts.sent
            summary.refused += counts.refused
            summary.failed += counts.failed
        }
        do {
            try sender.send(events, shouldStop: { backfillInterrupted.load(ordering: .relaxed) }) { result in
                switch result {
                case .sent(let key):
                    journal?.append(.sent(key: key))
                    counts.sent += 1
                    progress.sent += 1
                case .refused(let key, let status, let code):
                    journal?.append(.refused(key: key, status: status, code: code))
                    counts.refused += 1
                    progress.refused += 1
                    progress.note("FullStory refused an event (\(status) \(code ?? "without a code")); it is not retried")
                case .failed(_, let reason):
                    counts.failed += 1
                    progress.failed += 1
                    progress.note("an event could not be sent: \(reason)")
                }
                progress.update()
            }
        } catch {
            progress.finish()
            throw Failure(description: error.description)
        }
        progress.finish()
    }

    private func sendInBatches(
        _ events: [FullStoryEvent], state: BackfillState, apiKey: String, journal: StateFile?, summary: inout BackfillSummary
    ) throws {
        let importer = BatchImporter(
            baseURL: configuration.fullStoryAPIURL, apiKey: apiKey, http: try HTTPClient(options: configuration.httpOptions),
            pollMilliseconds: options.pollMilliseconds, note: progress.note)
        let byKey = Dictionary(events.map { ($0.idempotencyKey, $0) }, uniquingKeysWith: { first, _ in first })
        var jobs: [(job: BatchImporter.Job, events: [FullStoryEvent])] = state.unfinishedJobs.map { job in
            (BatchImporter.Job(id: job.id, keys: job.keys), job.keys.compactMap { byKey[$0] })
        }
        let inJobs = Set(jobs.flatMap(\.job.keys))
        var remaining = BatchImporter.jobs(events.filter { !inJobs.contains($0.idempotencyKey) })[...]
        do {
            while !backfillInterrupted.load(ordering: .relaxed) {
                if jobs.isEmpty {
                    guard let next = remaining.popFirst() else { break }
                    let job = try importer.create(next)
                    journal?.append(.job(id: job.id, keys: job.keys))
                    journal?.flush()
                    jobs.append((job, next))
                    progress.note("batch import job \(job.id) created for \(next.count) events")
                }
                let (job, jobEvents) = jobs.removeFirst()
                guard let finished = try importer.wait(for: job.id, shouldStop: { backfillInterrupted.load(ordering: .relaxed) }) else {
                    break
                }
                // COMPLETED: every event was imported. Otherwise only what the imports and errors listings
                // name is known; the rest stays unconfirmed in the state file.
                var refusedKeys: Set<String> = []
                var importedKeys: Set<String> = []
                let completed = finished.status == "COMPLETED" && finished.errors == 0
                if !completed {
                    var index = JobEventIndex(jobEvents)
                    for error in try importer.errors(of: job.id) {
                        progress.note("FullStory did not import an event: \(error.code ?? "no code") \(error.message ?? "")")
                        if let key = index.take(name: error.name, timestamp: error.timestamp, conversationID: error.conversationID) {
                            refusedKeys.insert(key)
                            journal?.append(.refused(key: key, status: 400, code: error.code))
                        }
                    }
                    for imported in try importer.imports(of: job.id) {
                        if let key = index.take(
                            name: imported.name, timestamp: imported.timestamp, conversationID: imported.conversationID)
                        {
                            importedKeys.insert(key)
                            journal?.append(.sent(key: key))
                        }
                    }
                }
                // Only a job that COMPLETED without errors settles all its events: one that reports errors is
                // journaled as FAILED (FullStory says FAILED includes partial failure), whatever its status.
                journal?.append(.jobDone(
                    id: job.id, imports: finished.imports, errors: finished.errors, status: completed ? "COMPLETED" : "FAILED"))
                journal?.flush()
                if completed {
                    summary.sent += jobEvents.count
                } else {
                    let unconfirmed = jobEvents.count - importedKeys.count - refusedKeys.count
                    summary.sent += importedKeys.count
                    summary.refused += refusedKeys.count
                    summary.unconfirmed += unconfirmed
                    if unconfirmed > 0 {
                        progress.note(
                            "batch import job \(job.id) ended \(finished.status): \(unconfirmed) of its events are neither in its imports nor in its errors")
                    }
                }
                progress.sent = summary.sent
                progress.refused = summary.refused
                progress.update(force: true)
            }
        } catch {
            progress.finish()
            throw Failure(description: error.description)
        }
        progress.finish()
    }

    // MARK: Output

    static func dryRunLine(_ event: FullStoryEvent) -> [UInt8] {
        var writer = JSONWriter(capacity: 1536)
        writer.beginObject()
        writer.member("idempotency_key", event.idempotencyKey)
        writer.key("body")
        writer.raw(event.body())
        writer.endObject()
        return writer.bytes
    }

    private func finish(_ summary: inout BackfillSummary, status: Int32) -> Int32 {
        progress.finish()
        summary.seconds = Double(SystemClock.monotonicNanoseconds() - started) / 1_000_000_000
        writeOutput(summary.json())
        return status
    }

    private func interrupted(_ summary: inout BackfillSummary, _ state: BackfillState) -> Int32 {
        summary.interrupted = true
        summary.conversationsRead = state.conversationsRead
        progress.note(
            "interrupted" + (options.statePath.map { path in "; run the same command with --state \(path) to carry on" } ?? ""))
        return finish(&summary, status: 130)
    }

    private static func catchInterrupts() {
        let handler: @convention(c) (Int32) -> Void = { _ in backfillInterrupted.store(true, ordering: .relaxed) }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
    }
}
