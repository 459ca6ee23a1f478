#if canImport(Glibc)
import Glibc
#endif
import CurlHTTP
import FlatJSON
import IntercomFullStory
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
    private let time: TimeSource
    private let started: UInt64

    /// - Parameters:
    ///   - confirm: asks a question on a terminal and returns the answer; `nil` when there is no terminal.
    ///   - time: the clocks of the window, the waits and the progress (a stepped clock in tests).
    public init(
        options: BackfillOptions, configuration: BackfillConfiguration, writeOutput: @escaping ([UInt8]) -> Void,
        confirm: @escaping (String) -> Bool?, time: TimeSource = .system
    ) {
        self.options = options
        self.configuration = configuration
        self.writeOutput = writeOutput
        self.confirm = confirm
        self.time = time
        started = time.monotonicNanoseconds()
        progress = BackfillProgress(time: time)
    }

    /// Runs to the end; the process's exit status (0, or 1 with events left unsent, or 130 when interrupted).
    public func run() throws -> Int32 {
        Self.catchInterrupts()
        let now = Int(time.epochMilliseconds() / 1000)
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
            try BackfillReader(configuration: configuration, progress: progress, time: time, shouldStop: Self.isInterrupted)
                .read(into: &state, header: header, journal: journal)
            if Self.isInterrupted() { return interrupted(&summary, state) }
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
        try send(pending, state: state, apiKey: apiKey, journal: journal, summary: &summary)
        if Self.isInterrupted() { return interrupted(&summary, state) }
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

    /// Sends what is pending, Create Event or batch import as asked (batch import by default above the confirmation
    /// threshold); what a FAILED batch job left unconfirmed goes through Create Event.
    private func send(
        _ pending: [FullStoryEvent], state: BackfillState, apiKey: String, journal: StateFile?, summary: inout BackfillSummary
    ) throws {
        let viaBatch = options.via == .batch || (options.via == .auto && pending.count > BackfillOptions.confirmationThreshold)
        summary.via = viaBatch ? "batch" : "create_event"
        progress.startSending()
        // Under each event's own key: FullStory may have imported some of it, so it is reported as possibly
        // duplicated.
        let unconfirmed = state.unconfirmed
        let resent = pending.filter { unconfirmed.contains($0.idempotencyKey) }
        let rest = pending.filter { !unconfirmed.contains($0.idempotencyKey) }
        if !resent.isEmpty {
            summary.possiblyDuplicated = resent.count
            progress.note(
                "\(resent.count) events a failed batch import job left unconfirmed are sent again through Create Event; "
                    + "FullStory may have imported some of them already (possibly duplicated)")
            try createEventDelivery(apiKey: apiKey).send(resent, journal: journal, summary: &summary)
        }
        guard !rest.isEmpty, !Self.isInterrupted() else { return }
        if viaBatch {
            let importer = BatchImporter(
                baseURL: configuration.services.fullStoryAPIURL, apiKey: apiKey, http: try HTTPClient(options: configuration.services.httpOptions),
                pollMilliseconds: options.pollMilliseconds, time: time, note: progress.note)
            try BatchImportDelivery(importer: importer, progress: progress, shouldStop: Self.isInterrupted)
                .send(rest, state: state, journal: journal, summary: &summary)
        } else {
            try createEventDelivery(apiKey: apiKey).send(rest, journal: journal, summary: &summary)
        }
    }

    private func createEventDelivery(apiKey: String) throws -> CreateEventDelivery {
        let sender = try CreateEventSender(
            baseURL: configuration.services.fullStoryAPIURL, apiKey: apiKey, options: configuration.services.httpOptions, time: time)
        return CreateEventDelivery(sender: sender, progress: progress, shouldStop: Self.isInterrupted)
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
        summary.seconds = Double(time.monotonicNanoseconds() - started) / 1_000_000_000
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

    private static func isInterrupted() -> Bool { backfillInterrupted.load(ordering: .relaxed) }

    private static func catchInterrupts() {
        let handler: @convention(c) (Int32) -> Void = { _ in backfillInterrupted.store(true, ordering: .relaxed) }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
    }
}
