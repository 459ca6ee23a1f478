#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Backfill
import FileContents
import IntercomFullStory
import IntercomFullStoryFunction
import LambdaRuntime
import ServiceSettings
import SystemClock

/// `intercom-fullstory backfill`: the FullStory events of past conversations, read from Intercom's search.
struct BackfillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill",
        abstract: "Send the FullStory events of past conversations (opened, closed, rated) in a time window.",
        discussion: """
            Reads Intercom's conversation search and sends each event whose moment lies in [--since, --until): \
            Opened at the conversation's creation, Closed at its last close, Rated at its rating. Configured by \
            the function's variables: INTERCOM_ACCESS_TOKEN (required), INTERCOM_API_URL, FULLSTORY_API_KEY \
            (required unless --dry-run), FULLSTORY_API_URL, FULLSTORY_SESSION_ATTRIBUTE. Keys are deterministic, so \
            a re-run within FullStory's 24 hours sends nothing twice; with --state it carries on after an \
            interruption. Above 1,000 events it asks first (or needs --yes) and uses FullStory's batch import. \
            Progress goes to standard error, a JSON summary to standard output.
            """
    )

    enum Via: String, ExpressibleByArgument, CaseIterable {
        case auto, createEvent = "create-event", batch
    }

    @Option(help: "Start of the window: an ISO 8601 time with Z or an offset (2026-11-01T00:00:00Z), or a span back from now (7d, 36h, 90m).")
    var since: String

    @Option(help: "End of the window, not included (ISO 8601 with Z or an offset); default: five minutes ago.")
    var until: String?

    @Option(name: .customLong("topic"), help: "A topic to backfill (repeatable): \(BackfillTopic.names). Default: all three.")
    var topics: [String] = []

    @Flag(help: "Read Intercom and print each event as a JSON line {\"idempotency_key\", \"body\"}; send nothing.")
    var dryRun = false

    @Option(help: "A file recording progress; the same command with the same file carries on after an interruption.")
    var state: String?

    @Flag(help: "Send more than 1,000 events without asking (needed without a terminal).")
    var yes = false

    @Option(help: "How to send: auto (Create Event up to 1,000 events, batch import beyond), create-event or batch.")
    var via: Via = .auto

    @Option(help: "Seconds between checks of a batch import job.")
    var pollSeconds: Double = 2

    func validate() throws {
        _ = try Self.topics(topics)
        do {
            _ = try BackfillWindow(since: since, until: until, now: Int(SystemClock.epochMilliseconds() / 1000))
        } catch {
            throw ValidationError(error.description)
        }
        guard pollSeconds > 0, pollSeconds <= 600 else { throw ValidationError("--poll-seconds must be between 0 and 600") }
        do {
            _ = try BackfillConfiguration(environment: ProcessEnvironment.variable, dryRun: dryRun)
        } catch {
            throw ValidationError(error.description)
        }
    }

    static func topics(_ names: [String]) throws -> [BackfillTopic] {
        try names.map { name in
            guard let topic = BackfillTopic(rawValue: name.trimmingASCIIWhitespace()) else {
                throw ValidationError("--topic \(name) cannot be backfilled; these can: \(BackfillTopic.names)")
            }
            return topic
        }
    }

    func run() throws {
        let configuration: BackfillConfiguration
        do {
            configuration = try BackfillConfiguration(environment: ProcessEnvironment.variable, dryRun: dryRun)
        } catch {
            throw ValidationError(error.description)
        }
        let options = BackfillOptions(
            since: since, until: until, topics: try Self.topics(topics), dryRun: dryRun, statePath: state, yes: yes,
            via: BackfillOptions.Via(rawValue: via.rawValue) ?? .auto, pollMilliseconds: Int(pollSeconds * 1000))
        let run = BackfillRun(
            options: options, configuration: configuration, writeOutput: FileIO.writeStandardOutput,
            confirm: Self.askOnTerminal)
        let status: Int32
        do {
            status = try run.run()
        } catch let problem as BackfillRun.UsageProblem {
            throw ValidationError(problem.description)
        } catch let failure as BackfillRun.Failure {
            FileDescriptor.writeAll(Array("intercom-fullstory backfill: \(failure.description)\n".utf8), to: 2)
            throw ExitCode.failure
        }
        if status != 0 { throw ExitCode(status) }
    }

    /// The answer to `question` from a person at a terminal; `nil` without one.
    static func askOnTerminal(_ question: String) -> Bool? {
        guard isatty(0) == 1, isatty(2) == 1 else { return nil }
        FileDescriptor.writeAll(Array(question.utf8), to: 2)
        guard let answer = readLine()?.trimmingASCIIWhitespace().lowercased() else { return false }
        return answer == "y" || answer == "yes"
    }
}
