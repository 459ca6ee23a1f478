#if canImport(Glibc)
import Glibc
#endif
import AWSSQS
import FlatJSON
import NIOConcurrencyHelpers
import ProductVersion
import TestSupport
import Testing

/// `intercom-fullstory serve` as a user runs it: the built CLI on a loopback port, against stand-ins for FullStory
/// and Intercom (and moto for SQS), asserting answers and deliveries, not timings.
@Suite(.serialized) struct ServeTests {
    static let contactWithSession =
        #"{"type":"contact","id":"696205460674dbb9050aa7fd","custom_attributes":{"fs_session_id":"https://app.fullstory.com/ui/o-1/session/111%3A222"}}"#
    static let intercomToken = "dG9rOnNlcnZlLWludGVyY29tLXRva2Vu"

    /// FullStory's and Intercom's stand-ins answering as given, and `serve` pointed at them. `shutdown()` happens
    /// once, so a test can `defer` it and still read the output.
    final class Rig {
        let fullStory: StandInServer
        let intercom: StandInServer
        let serve: ServeHarness
        private var stopped: (status: Int32?, output: String)?

        init(
            arguments: [String] = [], environment: [String: String?] = [:],
            fullStory: @escaping @Sendable (StandInServer.Request, Int) -> StandInServer.Reply = { _, _ in .json(200, "{}") }
        ) throws {
            self.fullStory = try StandInServer(respond: fullStory)
            do {
                intercom = try StandInServer { _, _ in .json(200, ServeTests.contactWithSession) }
            } catch {
                self.fullStory.shutdown()
                throw error
            }
            var variables: [String: String?] = [
                "FULLSTORY_API_URL": self.fullStory.baseURL, "INTERCOM_API_URL": intercom.baseURL,
                "INTERCOM_ACCESS_TOKEN": ServeTests.intercomToken,
            ]
            for (name, value) in environment { variables[name] = value }
            do {
                serve = try ServeHarness(arguments: arguments, environment: variables)
            } catch {
                self.fullStory.shutdown()
                intercom.shutdown()
                throw error
            }
        }

        /// Stops `serve` (SIGTERM), then the stand-ins; its exit status and output, checked for secrets.
        @discardableResult
        func shutdown() -> (status: Int32?, output: String) {
            if let stopped { return stopped }
            let stopped = serve.stop()
            self.stopped = stopped
            fullStory.shutdown()
            intercom.shutdown()
            for secret in [ServeHarness.clientSecret, ServeHarness.fullStoryKey, ServeTests.intercomToken] {
                #expect(!stopped.output.contains(secret), "a secret in serve's output")
            }
            return stopped
        }
    }

    /// `closed.json` as another conversation's, so that each is its own event.
    static func closed(conversation: Int) throws -> [UInt8] {
        let text = String(decoding: try ServeHarness.body("closed"), as: UTF8.self)
        return Array(text.replacingFirst(#""id":"215472621202693""#, with: #""id":"9\#(conversation)""#).utf8)
    }

    @Test func answersIntercomsChecksTheHealthCheckAndNothingElse() throws {
        let rig = try Rig()
        defer { rig.shutdown() }
        #expect(try rig.serve.request("HEAD", "/intercom").status == 200, "Intercom's URL check")
        let ping = try rig.serve.post(try ServeHarness.body("ping"))
        #expect(ping.status == 200)
        let health = try rig.serve.request("GET", "/healthz")
        #expect(health.status == 200)
        #expect(try JSONDocument(parsing: health.body).root["version"]?.string == ProductVersion.number)
        #expect(try rig.serve.request("GET", "/nowhere").status == 404)
        #expect(try rig.serve.request("DELETE", "/intercom").status == 405)
        #expect(rig.fullStory.requests.isEmpty)
        let (status, output) = rig.shutdown()
        #expect(status == 0)
        // One JSON line per request, with a request id of its own.
        let lines = output.split(separator: "\n").filter { $0.contains(#""topic":"ping""#) }
        #expect(lines.count == 1)
        #expect(lines.allSatisfy { $0.hasPrefix("{") && $0.contains(#""requestId":""#) })
    }

    @Test func deliversASignedClosedWebhookWithTheContactsSession() throws {
        let rig = try Rig()
        defer { rig.shutdown() }
        let response = try rig.serve.post(try ServeHarness.body("closed"))
        #expect(response.status == 200, "\(response.bodyText)")
        #expect(rig.fullStory.requests.count == 1)
        let event = try JSONDocument(parsing: try #require(rig.fullStory.requests.first).body).root
        #expect(event["name"]?.string == "Intercom Conversation Closed")
        #expect(event["session", "id"]?.string == "111:222", "the session on the contact")
        #expect(rig.intercom.requests.first?.header("Authorization") == "Bearer \(Self.intercomToken)")
    }

    @Test func aBadSignatureIsRefusedAndNothingIsSent() throws {
        let rig = try Rig()
        defer { rig.shutdown() }
        let response = try rig.serve.post(try ServeHarness.body("closed"), signature: "sha1=" + String(repeating: "0", count: 40))
        #expect(response.status == 401)
        #expect(rig.fullStory.requests.isEmpty && rig.intercom.requests.isEmpty)
    }

    @Test func anOversizedBodyIsRefusedFromItsLength() throws {
        let rig = try Rig()
        defer { rig.shutdown() }
        let large = [UInt8](repeating: UInt8(ascii: "a"), count: (1 << 20) + 1)
        let response = try rig.serve.post(large)
        #expect(response.status == 413, "\(response.bodyText)")
        // Announced but never sent: refused from the length alone, without waiting for the bytes.
        let announced = try TestHTTP.request(
            port: rig.serve.port, method: "POST", path: "/intercom", headers: [("Content-Type", "application/json")],
            body: Array("{}".utf8), declaredLength: 50 << 20, timeoutMilliseconds: 15_000)
        #expect(announced.status == 413)
        #expect(try rig.serve.request("GET", "/healthz").status == 200, "still serving")
        #expect(rig.fullStory.requests.isEmpty)
    }

    /// A body that stops arriving is not waited for past the webhook's budget.
    @Test func aStalledBodyIsAnswered408() throws {
        let rig = try Rig()
        defer { rig.shutdown() }
        let stalled = try TestHTTP.request(
            port: rig.serve.port, method: "POST", path: "/intercom", headers: [("Content-Type", "application/json")],
            body: Array("{}".utf8), declaredLength: 100, timeoutMilliseconds: 30_000)
        #expect(stalled.status == 408)
        #expect(rig.fullStory.requests.isEmpty)
    }

    @Test func fiftyConcurrentWebhooksAreEachAnsweredAndDeliveredOnce() throws {
        // A worker each: the test is about concurrency, not about the pool's limit (aPoolHeldFullAnswers503).
        let rig = try Rig(arguments: ["--workers", "50"])
        defer { rig.shutdown() }
        let bodies = try (0..<50).map { try Self.closed(conversation: $0) }
        let statuses = NIOLockedValueBox([Int](repeating: 0, count: 50))
        let serve = rig.serve
        concurrently(50) { index in
            let status = (try? serve.post(bodies[index], timeoutMilliseconds: 30_000))?.status ?? -1
            statuses.withLockedValue { $0[index] = status }
        }
        #expect(statuses.withLockedValue { $0 } == [Int](repeating: 200, count: 50))
        let conversations = try rig.fullStory.requests.map {
            try JSONDocument(parsing: $0.body).root["properties", "conversation_id"]?.string ?? ""
        }
        #expect(conversations.count == 50 && Set(conversations).count == 50, "each delivered once")
    }

    @Test func aPoolHeldFullAnswers503() throws {
        // One worker, held by a webhook whose FullStory hangs; the next request waits its share, then is refused.
        let rig = try Rig(arguments: ["--workers", "1"]) { _, _ in .delayed(milliseconds: 8000, .init(.json(200, "{}"))) }
        defer { rig.shutdown() }
        let serve = rig.serve
        let fullStory = rig.fullStory
        let first = NIOLockedValueBox<Int?>(nil)
        let body = try Self.closed(conversation: 1)
        let second = try Self.closed(conversation: 2)
        concurrently(2) { index in
            if index == 0 {
                let status = (try? serve.post(body, timeoutMilliseconds: 30_000))?.status
                first.withLockedValue { $0 = status }
                return
            }
            // Only once the first is with FullStory (bounded wait).
            waitUntil(timeoutMilliseconds: 10_000) { !fullStory.requests.isEmpty }
            let refused = try? serve.post(second, timeoutMilliseconds: 30_000)
            #expect(refused?.status == 503)
            #expect(refused?.bodyText.contains("every worker is busy") == true)
        }
        #expect(first.withLockedValue { $0 } != nil, "the first was answered too")
        let metrics = try rig.serve.request("GET", "/metrics").bodyText
        #expect(metrics.contains("intercom_fullstory_busy_total 1"))
    }

    @Test func sigtermLetsTheRequestsInFlightFinish() throws {
        let rig = try Rig { _, _ in .delayed(milliseconds: 1500, .init(.json(200, "{}"))) }
        defer { rig.shutdown() }
        let serve = rig.serve
        let fullStory = rig.fullStory
        let statuses = NIOLockedValueBox([Int](repeating: 0, count: 3))
        let bodies = try (0..<3).map { try Self.closed(conversation: 100 + $0) }
        let stopped = NIOLockedValueBox<(status: Int32?, output: String)?>(nil)
        concurrently(4) { index in
            guard index < 3 else {
                waitUntil(timeoutMilliseconds: 10_000) { fullStory.requests.count >= 3 }
                let result = serve.stop()
                stopped.withLockedValue { $0 = result }
                return
            }
            let status = (try? serve.post(bodies[index], timeoutMilliseconds: 30_000))?.status ?? -1
            statuses.withLockedValue { $0[index] = status }
        }
        #expect(statuses.withLockedValue { $0 } == [200, 200, 200], "answered, though SIGTERM came while they were in flight")
        #expect(stopped.withLockedValue { $0?.status } == 0)
        #expect(rig.fullStory.requests.count == 3)
    }

    /// With a delivery queue (here one that cannot be reached, so the consumer is between retries), SIGTERM still lets
    /// the request in flight finish and ends with 0: the consumer, stopped first, waits for its own turn.
    @Test func sigtermWithAQueueConsumerLetsTheRequestInFlightFinish() throws {
        let unreachable = freeLoopbackPort()
        let rig = try Rig(
            environment: [
                "DELIVERY_QUEUE_URL": "http://127.0.0.1:\(unreachable)/123456789012/intercom-fullstory-delivery",
                "AWS_ACCESS_KEY_ID": "AKIDSERVETEST", "AWS_SECRET_ACCESS_KEY": "serve-test-secret", "AWS_REGION": "us-east-1",
            ]
        ) { _, _ in .delayed(milliseconds: 1500, .init(.json(200, "{}"))) }
        defer { rig.shutdown() }
        let serve = rig.serve
        let fullStory = rig.fullStory
        let status = NIOLockedValueBox<Int?>(nil)
        let stopped = NIOLockedValueBox<(status: Int32?, output: String)?>(nil)
        let body = try Self.closed(conversation: 200)
        concurrently(2) { index in
            if index == 0 {
                let answer = try? serve.post(body, timeoutMilliseconds: 30_000)
                status.withLockedValue { $0 = answer?.status }
                return
            }
            waitUntil(timeoutMilliseconds: 10_000) { !fullStory.requests.isEmpty }
            let result = serve.stop()
            stopped.withLockedValue { $0 = result }
        }
        #expect(status.withLockedValue { $0 } == 200)
        #expect(stopped.withLockedValue { $0?.status } == 0, "\(stopped.withLockedValue { $0?.output } ?? "")")
    }

    @Test func metricsCountWhatHappened() throws {
        let rig = try Rig()
        defer { rig.shutdown() }
        _ = try rig.serve.post(try ServeHarness.body("closed"))
        _ = try rig.serve.post(try ServeHarness.body("closed"), signature: "sha1=" + String(repeating: "0", count: 40))
        _ = try rig.serve.post(try ServeHarness.body("ping"))
        let metrics = try rig.serve.request("GET", "/metrics")
        #expect(metrics.status == 200)
        let text = metrics.bodyText
        #expect(text.contains("intercom_fullstory_delivered_total 1"))
        #expect(text.contains("intercom_fullstory_unauthorized_total 1"))
        #expect(text.contains("intercom_fullstory_fullstory_attempts_total 1"))
        #expect(text.contains(#"intercom_fullstory_requests_total{status="200"} 2"#))
        #expect(text.contains(#"intercom_fullstory_requests_total{status="401"} 1"#))
        #expect(text.contains("intercom_fullstory_fullstory_latency_seconds_count 1"))
    }

    /// FullStory down, with moto as SQS: the webhook is answered 200 and queued; a `serve` with `--no-redelivery`
    /// leaves the message in the queue; once FullStory is back, a `serve` that consumes delivers it once, under the
    /// same key, and deletes it.
    @Test func fullStoryDownWithAQueueIsAnswered200ThenDeliveredByServesConsumer() throws {
        let sqs = try LocalSQS.start()
        let queues = try sqs.makeQueues("serve-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let down = NIOLockedValueBox(true)
        let fullStory = try StandInServer { _, _ in
            down.withLockedValue { $0 } ? .json(503, #"{"code":"unavailable"}"#) : .json(200, "{}")
        }
        defer { fullStory.shutdown() }
        var environment: [String: String?] = ["FULLSTORY_API_URL": fullStory.baseURL]
        for (name, value) in sqs.functionEnvironment(queue: queues.delivery) { environment[name] = value }

        let queuing = try ServeHarness(arguments: ["--no-redelivery"], environment: environment)
        let response = try queuing.post(try ServeHarness.body("closed"))
        #expect(response.status == 200, "queued: \(response.bodyText)")
        let tried = fullStory.requests.count
        #expect(tried >= 1)
        #expect(try sqs.count(queues.delivery).visible == 1, "left in the queue by --no-redelivery")
        #expect(queuing.stop().status == 0)

        down.withLockedValue { $0 = false }
        let consuming = try ServeHarness(environment: environment)
        // Bounded waits for serve's consumer, then for the delete.
        waitUntil(timeoutMilliseconds: 20_000) { fullStory.requests.count > tried }
        var left = try sqs.count(queues.delivery)
        waitUntil(timeoutMilliseconds: 10_000) {
            left = (try? sqs.count(queues.delivery)) ?? left
            return left.visible + left.inFlight == 0
        }
        let (status, output) = consuming.stop()
        let keys = fullStory.requests.map { $0.header("Idempotency-Key") ?? "" }
        #expect(keys.count == tried + 1, "delivered once more, by the consumer")
        #expect(Set(keys).count == 1, "under the same key")
        #expect(left.visible + left.inFlight == 0, "deleted once delivered")
        #expect(status == 0)
        let invocation = output.split(separator: "\n").first { $0.contains(#""outcome":"redelivery""#) }
        #expect(invocation?.contains(#""delivered":"1""#) == true, "the consumer's invocation line: \(output)")
        #expect(output.contains("serve: the queue consumer stopped"), "\(output)")
    }

    @Test func refusesUnsignedModeAndNamesAWrongVariable() throws {
        let unsigned = try CommandRun.run(
            ["serve", "--port", "\(freeLoopbackPort())"],
            environment: ["FULLSTORY_API_KEY": ServeHarness.fullStoryKey, "INTERCOM_ALLOW_UNSIGNED": "true"], timeoutMilliseconds: 20_000)
        #expect(unsigned.status != nil && unsigned.status != 0, "stopped at start")
        #expect(unsigned.errors.contains("INTERCOM_ALLOW_UNSIGNED is refused by serve"))
        let missing = try CommandRun.run(
            ["serve", "--port", "\(freeLoopbackPort())"], environment: ["FULLSTORY_API_KEY": ServeHarness.fullStoryKey],
            timeoutMilliseconds: 20_000)
        #expect(missing.status != nil && missing.status != 0, "stopped at start")
        #expect(missing.errors.contains("INTERCOM_CLIENT_SECRET"))
    }

    /// A port already taken stops `serve` with an error, its queue consumer too (it would otherwise hold the
    /// process, and a supervisor would never restart it).
    @Test func aPortInUseEndsServeEvenWithItsQueueConsumer() throws {
        let sqs = try LocalSQS.start()
        let queues = try sqs.makeQueues("serve-bind-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        var environment: [String: String?] = [:]
        for (name, value) in sqs.functionEnvironment(queue: queues.delivery) { environment[name] = value }
        let first = try ServeHarness(environment: environment)
        defer { first.stop() }
        var variables = ["FULLSTORY_API_KEY": ServeHarness.fullStoryKey, "INTERCOM_CLIENT_SECRET": ServeHarness.clientSecret]
        for (name, value) in environment { variables[name] = value }
        let second = try CommandRun.run(["serve", "--port", "\(first.port)"], environment: variables, timeoutMilliseconds: 20_000)
        #expect(second.status != nil && second.status != 0, "ended, with an error: \(second.errors)")
        #expect(second.errors.lowercased().contains("address already in use"), "\(second.errors)")
        #expect(try first.request("GET", "/healthz").status == 200, "the first still serves")
    }

    /// docs/serve.md's table names every series `/metrics` gives, and nothing else.
    @Test func theMetricsTableInTheDocsIsWhatServeExposes() throws {
        let rig = try Rig()
        defer { rig.shutdown() }
        _ = try rig.serve.post(try ServeHarness.body("ping"))
        let exposed = Set(
            try rig.serve.request("GET", "/metrics").bodyText.split(separator: "\n").compactMap { line -> String? in
                guard line.hasPrefix("# TYPE ") else { return nil }
                return line.split(separator: " ").dropFirst(2).first.map(String.init)
            })
        let page = readFile(repositoryRoot + "/docs/serve.md")
        let documented = Set(
            page.split(separator: "\n").filter { $0.hasPrefix("| ") && $0.contains("`intercom_fullstory_") }.compactMap { row -> String? in
                row.split(separator: "`").first { $0.hasPrefix("intercom_fullstory_") }.map { String($0.split(separator: "{")[0]) }
            })
        #expect(exposed == documented, "exposed but not documented: \(exposed.subtracting(documented)); documented, not exposed: \(documented.subtracting(exposed))")
    }

    /// `$PORT` when no `--port` is given (containers set it), and `--host 0.0.0.0` listening on loopback too.
    @Test func listensOnPortFromTheEnvironmentAndOnEveryInterfaceWhenAsked() throws {
        let port = freeLoopbackPort()
        let (process, errorsPath) = try CommandRun.start(
            ["serve", "--host", "0.0.0.0"],
            environment: ["FULLSTORY_API_KEY": ServeHarness.fullStoryKey, "INTERCOM_CLIENT_SECRET": ServeHarness.clientSecret, "PORT": "\(port)"])
        defer {
            process.terminate()
            unlink(process.outputPath)
            unlink(errorsPath)
        }
        #expect(ServeHarness.started(process, port: port), "\(readFile(errorsPath))")
        #expect(readFile(errorsPath).contains("http://0.0.0.0:\(port)"))
    }

    /// Credentials with a session token expire, and serve never refreshes them: it says so at start.
    @Test func aSessionTokenIsWarnedOf() throws {
        let serve = try ServeHarness(
            arguments: ["--no-redelivery"],
            environment: [
                "DELIVERY_QUEUE_URL": "http://127.0.0.1:\(freeLoopbackPort())/123456789012/intercom-fullstory-delivery",
                "AWS_ACCESS_KEY_ID": "AKIDSERVETEST", "AWS_SECRET_ACCESS_KEY": "serve-test-secret", "AWS_REGION": "us-east-1",
                "AWS_SESSION_TOKEN": "serve-test-session-token",
            ])
        let (status, output) = serve.stop()
        #expect(status == 0)
        #expect(output.contains("AWS_SESSION_TOKEN is set: serve uses these credentials as they are and never refreshes them"))
        #expect(!output.contains("serve-test-session-token") && !output.contains("serve-test-secret"))
    }
}
