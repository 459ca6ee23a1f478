#if canImport(Glibc)
import Glibc
#endif
import AWSSQS
import FlatJSON
import IntercomFullStory
@testable import IntercomFullStoryFunction
import LambdaRuntime
import Logging
import SystemClock
import TestSupport
import Testing

/// The contracts an invocation keeps with the outside, byte for byte, over the outcomes of every destination: the
/// answer to Intercom (status and body), the invocation log line (its level and fields), the EMF counts, the
/// messages written to the delivery queue and the SQS batch answer. `Tests/Fixtures/contracts/invocations.txt` holds
/// them as the product gives them; a change to any is a change to that file, in review.
/// (`RECORD_CONTRACTS=1 swift test --filter InvocationContractTests` writes it anew.)
@Suite(.serialized) struct InvocationContractTests {
    static let path = repositoryRoot + "/Tests/Fixtures/contracts/invocations.txt"
    static let closed = readFile(repositoryRoot + "/events/bodies/closed.json")
    static let silent = Logger(label: "t") { _ in SwiftLogNoOpLogHandler() }

    struct Setup {
        var fullStory: [Int: StandInServer.Reply]? = [:]
        var collector: [Int: StandInServer.Reply]? = nil
        var queue = false
    }

    /// One function on a frozen clock (backoffs are recorded, not waited: the tries are the same on any machine).
    static func function(_ setup: Setup, name: String) throws -> (WebhookFunction, queue: (LocalSQS, SQSQueueURL)?, stop: () -> Void) {
        var environment: [String: String?] = ["INTERCOM_CLIENT_SECRET": SignedEvents.testSecret]
        var stops: [() -> Void] = []
        if let script = setup.fullStory {
            let server = try FullStoryStandIn(script: script)
            stops.append { server.shutdown() }
            environment["FULLSTORY_API_KEY"] = "na1.key-value"
            environment["FULLSTORY_API_URL"] = server.baseURL
        }
        if let script = setup.collector {
            let collector = try ABsmartlyStandIn(script: script)
            stops.append { collector.shutdown() }
            environment["ABSMARTLY_COLLECTOR_URL"] = collector.baseURL
            environment["ABSMARTLY_API_KEY"] = ABsmartlyStandIn.apiKey
            environment["ABSMARTLY_APPLICATION"] = ABsmartlyStandIn.application
            environment["ABSMARTLY_ENVIRONMENT"] = ABsmartlyStandIn.environment
        }
        var queue: (LocalSQS, SQSQueueURL)?
        if setup.queue {
            let sqs = try LocalSQS.start()
            let made = try sqs.makeQueues("contract-" + String(name.map { $0.isLetter || $0.isNumber ? $0 : "-" }))
            for (variable, value) in sqs.functionEnvironment(queue: made.delivery) { environment[variable] = value }
            queue = (sqs, made.delivery)
        }
        let function = try WebhookFunction(
            configuration: try FunctionConfiguration(environment: environment.compactMapValues { $0 }), logger: silent,
            time: SteppedTime(frozen: true).source)
        return (function, queue, { for stop in stops { stop() } })
    }

    static let context = LambdaContext(requestID: "r", deadlineEpochMilliseconds: nil, logger: silent)

    /// What one webhook gave the outside, as text.
    static func webhook(_ name: String, _ setup: Setup, body: String = closed, signed: Bool = true) throws -> String {
        let (function, queue, stop) = try function(setup, name: name)
        defer { stop() }
        let event = signed ? SignedEvents.restAPI(body: Array(body.utf8)) : SignedEvents.restAPI(body: Array(body.utf8), secret: "wrong")
        let record = function.route(event, context: context)
        var text = "== \(name)\n"
        if case .success(let bytes) = record.response { text += "answer " + String(decoding: bytes, as: UTF8.self) + "\n" }
        text += lines(record)
        if let (sqs, url) = queue {
            for message in try sqs.client().receiveMessages(queue: url, maximum: 10, visibilityTimeoutSeconds: 0) {
                text += "queued " + masked(message.body) + "\n"
            }
        }
        return text
    }

    /// What one redelivery batch of `bodies` gave the outside, as text.
    static func redelivery(_ name: String, _ setup: Setup, bodies: [String]) throws -> String {
        let (function, _, stop) = try function(setup, name: name)
        defer { stop() }
        let records = bodies.enumerated().map { index, body in
            (id: "m-\(index)", receiptHandle: "handle-\(index)", body: body, receiveCount: 1, sentTimestamp: SystemClock.epochMilliseconds())
        }
        let record = function.route(SQSEventBuilder.event(records), context: context)
        var text = "== \(name)\n"
        if case .success(let bytes) = record.response { text += "answer " + String(decoding: bytes, as: UTF8.self) + "\n" }
        return text + lines(record)
    }

    /// The log line's level and fields (sorted; no duration; SQS's message ids masked) and the non-zero counts.
    static func lines(_ record: InvocationRecord) -> String {
        let fields = record.summary.fields(milliseconds: 0).filter { $0.key != "durationMs" }.map { key, value in
            key.hasSuffix("essageId") ? "\(key)=<id>" : "\(key)=\(value)"
        }
        let counts = Metric.allCases.filter { record.metrics[$0] != 0 }.map { "\($0.name)=\(record.metrics[$0])" }
        return "log \(record.summary.level) " + fields.sorted().joined(separator: " ") + "\n"
            + "metrics " + counts.joined(separator: " ") + (record.metrics.fullStoryLatency == nil ? "" : " FullStoryLatency") + "\n"
    }

    /// `queued_at` and `publishedAt` are the moment of queueing.
    static func masked(_ body: String) -> String {
        var text = body
        for key in ["\"queued_at\":\"", "\"publishedAt\":"] {
            guard let start = text.firstRange(of: key) else { continue }
            let valueEnd = text[start.upperBound...].firstIndex(where: { $0 == "\"" || $0 == "," || $0 == "}" }) ?? text.endIndex
            text.replaceSubrange(start.upperBound..<valueEnd, with: "<moment>")
        }
        return text
    }

    static func fixture(_ name: String) -> String { readFile(repositoryRoot + "/Tests/Fixtures/messages/\(name)").trimmingASCIIWhitespace() }

    static func everything() throws -> String {
        let unavailable = StandInServer.Reply.json(503, #"{"code":"unavailable"}"#)
        let always503 = Dictionary(uniqueKeysWithValues: (1...8).map { ($0, unavailable) })
        let full = StandInServer.Reply.json(400, #"{"code":"session_page_limit_exceeded","message":"full"}"#)
        var text = ""
        text += try webhook("fullstory delivered", Setup())
        text += try webhook("fullstory's session full, sent unlinked", Setup(fullStory: [1: full]))
        text += try webhook("fullstory unavailable, no queue", Setup(fullStory: always503))
        text += try webhook("fullstory unavailable, queued", Setup(fullStory: always503, queue: true))
        text += try webhook("fullstory refuses the key, queued", Setup(fullStory: [1: .json(401, "{}")], queue: true))
        text += try webhook("fullstory refuses the key, no queue", Setup(fullStory: [1: .json(401, "{}")]))
        text += try webhook("fullstory refuses the event", Setup(fullStory: [1: .json(400, #"{"code":"invalid_argument","message":"bad"}"#)]))
        text += try webhook("both delivered", Setup(collector: [:]))
        text += try webhook("collector down, no queue", Setup(collector: Dictionary(uniqueKeysWithValues: (1...8).map { ($0, unavailable) })))
        text += try webhook("collector down, queued", Setup(collector: Dictionary(uniqueKeysWithValues: (1...8).map { ($0, unavailable) }), queue: true))
        text += try webhook("fullstory down and collector delivered, queued", Setup(fullStory: always503, collector: [:], queue: true))
        text += try webhook("absmartly alone", Setup(fullStory: nil, collector: [:]))
        text += try webhook("absmartly alone refuses", Setup(fullStory: nil, collector: [1: ABsmartlyStandIn.invalid("no such goal")]))
        text += try webhook("absmartly alone down, queued", Setup(fullStory: nil, collector: [1: unavailable, 2: unavailable, 3: unavailable], queue: true))
        text += try webhook("bad signature", Setup(), signed: false)
        text += try webhook("ping", Setup(), body: readFile(repositoryRoot + "/events/bodies/ping.json"))
        let both = [fixture("closed.v2.json"), fixture("goal.v2.json"), fixture("closed.v1.json")]
        text += try redelivery("redelivery delivered", Setup(collector: [:]), bodies: both)
        text += try redelivery("redelivery fullstory down", Setup(fullStory: always503, collector: [:]), bodies: both)
        text += try redelivery("redelivery fullstory refuses", Setup(fullStory: [1: .json(400, #"{"code":"invalid_argument"}"#)]), bodies: both)
        text += try redelivery("redelivery fullstory off", Setup(fullStory: nil, collector: [:]), bodies: both)
        return text
    }

    @Test func everyOutcomeKeepsItsContract() throws {
        let text = try Self.everything()
        if getenv("RECORD_CONTRACTS") != nil {
            let file = fopen(Self.path, "w")
            fputs(text, file)
            fclose(file)
        }
        let expected = readFile(Self.path)
        #expect(!expected.isEmpty, "missing \(Self.path)")
        let got = text.split(separator: "\n", omittingEmptySubsequences: false)
        let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in got.enumerated() where index >= want.count || want[index] != line {
            Issue.record("line \(index + 1) differs:\n got:  \(line)\n want: \(index < want.count ? want[index] : "(nothing)")")
            break
        }
        #expect(got.count == want.count)
    }
}
