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
/// messages written to the delivery or dead-letter queue and the SQS batch answer.
/// `Tests/Fixtures/contracts/invocations.txt` holds them as the product gives them; a change to any is a change to
/// that file, in review (`RECORD_CONTRACTS=1 swift test --filter InvocationContractTests` writes it anew).
@Suite(.serialized) struct InvocationContractTests {
    static let path = repositoryRoot + "/Tests/Fixtures/contracts/invocations.txt"
    static let closed = readFile(repositoryRoot + "/events/bodies/closed.json")
    static let silent = Logger(label: "t") { _ in SwiftLogNoOpLogHandler() }
    static let context = LambdaContext(requestID: "r", deadlineEpochMilliseconds: nil, logger: silent)

    struct Setup {
        var fullStory: [Int: StandInServer.Reply]? = [:]
        var collector: [Int: StandInServer.Reply]? = nil
        var queue = false
        /// Moves records whose schedule is over to the dead-letter queue (with `queue`).
        var deadLetter = false
        /// A delivery queue where nothing listens: every hand-off fails.
        var unreachableQueue = false
    }

    /// One function, on a frozen clock: backoffs are recorded, not waited, so the tries are the policy's.
    final class Function {
        let function: WebhookFunction
        /// Where what the function queued is read: the delivery queue, or the dead-letter queue when it moves.
        let written: (LocalSQS, SQSQueueURL)?
        private let stops: [() -> Void]

        init(_ setup: Setup, name: String) throws {
            var stops: [() -> Void] = []
            do {
                var environment: [String: String] = ["INTERCOM_CLIENT_SECRET": SignedEvents.testSecret]
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
                var written: (LocalSQS, SQSQueueURL)?
                if setup.queue {
                    let sqs = try LocalSQS.start()
                    let made = try sqs.makeQueues("contract-" + String(name.map { $0.isLetter || $0.isNumber ? $0 : "-" }))
                    for (variable, value) in sqs.functionEnvironment(queue: made.delivery) { environment[variable] = value }
                    if setup.deadLetter { environment["DEAD_LETTER_QUEUE_URL"] = made.deadLetter.url }
                    written = (sqs, setup.deadLetter ? made.deadLetter : made.delivery)
                }
                if setup.unreachableQueue {
                    environment["DELIVERY_QUEUE_URL"] = "http://127.0.0.1:\(freeLoopbackPort())/123456789012/q"
                    environment["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE"
                    environment["AWS_SECRET_ACCESS_KEY"] = "secret-of-the-example-key"
                    environment["AWS_REGION"] = "us-east-1"
                }
                self.written = written
                self.stops = stops
                function = try WebhookFunction(
                    configuration: try FunctionConfiguration(environment: environment), logger: silent,
                    time: SteppedTime(frozen: true).source)
            } catch {
                for stop in stops { stop() }
                throw error
            }
        }

        deinit { for stop in stops { stop() } }

        /// What one invocation gave the outside, as text.
        func invoke(_ event: [UInt8]) throws -> String {
            let record = function.route(event, context: InvocationContractTests.context)
            var text = ""
            if case .success(let bytes) = record.response { text += "answer " + String(decoding: bytes, as: UTF8.self) + "\n" }
            text += InvocationContractTests.lines(record)
            if let (sqs, url) = written {
                for message in try sqs.client().receiveMessages(queue: url, maximum: 10, visibilityTimeoutSeconds: 0) {
                    text += "queued " + InvocationContractTests.masked(message.body) + "\n"
                }
            }
            return text
        }
    }

    static func webhook(_ body: String = closed, signed: Bool = true) -> [UInt8] {
        SignedEvents.restAPI(body: Array(body.utf8), secret: signed ? SignedEvents.testSecret : "another-secret")
    }

    /// An SQS event of `bodies`, sent `ageSeconds` ago.
    static func batch(_ bodies: [String], ageSeconds: Int64 = 0) -> [UInt8] {
        SQSEvents.event(
            bodies.enumerated().map { index, body in
                (id: "m-\(index)", receiptHandle: "handle-\(index)", body: body, receiveCount: 1,
                 sentTimestamp: SystemClock.epochMilliseconds() - ageSeconds * 1000)
            })
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

    static let unavailable = StandInServer.Reply.json(503, #"{"code":"unavailable"}"#)
    static let always503 = Dictionary(uniqueKeysWithValues: (1...8).map { ($0, unavailable) })
    static let full = StandInServer.Reply.json(400, #"{"code":"session_page_limit_exceeded","message":"full"}"#)
    static let bothKinds = [fixture("closed.v2.json"), fixture("goal.v2.json"), fixture("closed.v1.json")]

    /// Each scenario: its name, and what it gave the outside.
    static let scenarios: [(String, @Sendable () throws -> String)] = [
        ("fullstory delivered", { try Function(Setup(), name: "a").invoke(webhook()) }),
        ("fullstory's session full, sent unlinked", { try Function(Setup(fullStory: [1: full]), name: "b").invoke(webhook()) }),
        ("fullstory unavailable, no queue", { try Function(Setup(fullStory: always503), name: "c").invoke(webhook()) }),
        ("fullstory unavailable, queued", { try Function(Setup(fullStory: always503, queue: true), name: "d").invoke(webhook()) }),
        ("session full, then unavailable, queued unlinked", {
            var script = always503
            script[1] = full
            return try Function(Setup(fullStory: script, queue: true), name: "e").invoke(webhook())
        }),
        ("intercom's retry, fullstory unavailable, queued", {
            let retry = closed.replacingFirst(#""delivery_attempts":1"#, with: #""delivery_attempts":2"#)
            return try Function(Setup(fullStory: always503, queue: true), name: "f").invoke(webhook(retry))
        }),
        ("fullstory unavailable, the hand-off refused", {
            try Function(Setup(fullStory: always503, unreachableQueue: true), name: "g").invoke(webhook())
        }),
        ("fullstory's circuit open after three failures, queued", {
            let function = try Function(Setup(fullStory: Dictionary(uniqueKeysWithValues: (1...40).map { ($0, unavailable) }), queue: true), name: "h")
            for _ in 0..<3 { _ = try function.invoke(webhook()) }
            return try function.invoke(webhook())
        }),
        ("fullstory refuses the key, queued", { try Function(Setup(fullStory: [1: .json(401, "{}")], queue: true), name: "i").invoke(webhook()) }),
        ("fullstory refuses the key, no queue", { try Function(Setup(fullStory: [1: .json(401, "{}")]), name: "j").invoke(webhook()) }),
        ("fullstory refuses the event", {
            try Function(Setup(fullStory: [1: .json(400, #"{"code":"invalid_argument","message":"bad"}"#)]), name: "k").invoke(webhook())
        }),
        ("both delivered", { try Function(Setup(collector: [:]), name: "l").invoke(webhook()) }),
        ("collector down, no queue", { try Function(Setup(collector: always503), name: "m").invoke(webhook()) }),
        ("collector down, queued", { try Function(Setup(collector: always503, queue: true), name: "n").invoke(webhook()) }),
        ("fullstory down and collector delivered, queued", {
            try Function(Setup(fullStory: always503, collector: [:], queue: true), name: "o").invoke(webhook())
        }),
        ("absmartly alone", { try Function(Setup(fullStory: nil, collector: [:]), name: "p").invoke(webhook()) }),
        ("absmartly alone refuses", {
            try Function(Setup(fullStory: nil, collector: [1: ABsmartlyStandIn.invalid("no such goal")]), name: "q").invoke(webhook())
        }),
        ("absmartly alone down, queued", { try Function(Setup(fullStory: nil, collector: always503, queue: true), name: "r").invoke(webhook()) }),
        ("bad signature", { try Function(Setup(), name: "s").invoke(webhook(signed: false)) }),
        ("ping", { try Function(Setup(), name: "t").invoke(webhook(readFile(repositoryRoot + "/events/bodies/ping.json"))) }),
        ("redelivery delivered", { try Function(Setup(collector: [:]), name: "u").invoke(batch(bothKinds)) }),
        ("redelivery fullstory down", { try Function(Setup(fullStory: always503, collector: [:]), name: "v").invoke(batch(bothKinds)) }),
        ("redelivery fullstory refuses", {
            try Function(Setup(fullStory: [1: .json(400, #"{"code":"invalid_argument"}"#)]), name: "w").invoke(batch(bothKinds))
        }),
        ("redelivery fullstory refuses the key", {
            try Function(Setup(fullStory: [1: .json(401, "{}")], collector: [:]), name: "x").invoke(batch(bothKinds))
        }),
        ("redelivery collector down", { try Function(Setup(collector: always503), name: "y").invoke(batch(bothKinds)) }),
        ("redelivery fullstory off", { try Function(Setup(fullStory: nil, collector: [:]), name: "z").invoke(batch(bothKinds)) }),
        ("redelivery schedule over, moved to the dead-letter queue", {
            try Function(Setup(fullStory: always503, collector: always503, queue: true, deadLetter: true), name: "za")
                .invoke(batch(bothKinds, ageSeconds: Int64(RedeliverySchedule.spanSeconds) + 60))
        }),
    ]

    /// The file's text for each scenario, by name.
    static func recorded() -> [String: String] {
        var sections: [String: String] = [:]
        for part in readFile(path).split(separator: "== ", omittingEmptySubsequences: true) {
            guard let newline = part.firstIndex(of: "\n") else { continue }
            sections[String(part[..<newline])] = String(part[part.index(after: newline)...])
        }
        return sections
    }

    @Test func everyOutcomeKeepsItsContract() throws {
        if getenv("RECORD_CONTRACTS") != nil {
            var text = ""
            for (name, run) in Self.scenarios { text += "== \(name)\n" + (try run()) }
            let file = fopen(Self.path, "w")
            fputs(text, file)
            fclose(file)
        }
        let recorded = Self.recorded()
        #expect(Set(recorded.keys) == Set(Self.scenarios.map(\.0)), "\(Self.path) holds every scenario, and only those")
        for (name, run) in Self.scenarios {
            let expected = recorded[name] ?? ""
            // A timeout of libcurl's is real time even on the frozen clock (SendMessage to moto has 900 ms): a
            // scenario a busy machine's slow answer changed is run again, at most twice.
            var got = try run()
            for _ in 0..<2 where got != expected { got = try run() }
            #expect(got == expected, "\(name):\n got:\n\(got)\n want:\n\(expected)")
        }
    }
}
