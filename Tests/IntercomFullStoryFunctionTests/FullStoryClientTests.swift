import Budget
import CurlHTTP
import FlatJSON
import IntercomFullStory
import IntercomFullStoryFunction
import LambdaRuntime
import Logging
import ServiceClients
import SystemClock
import TestSupport
import Testing

/// Delivery to an in-process FullStory stand-in: retries, budget, keys and the unlinked variant.
@Suite struct FullStoryClientTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    static let event = FullStoryEvent(
        name: "Intercom Conversation Closed", timestamp: "2026-01-10T09:00:00Z",
        properties: [EventProperty("conversation_id", .string("1"))],
        link: .session(FullStorySessionID(parsing: "1:2")!, source: .contactAttribute),
        idempotencyKey: IdempotencyKey.forNotification(id: "notif_1", eventName: "Intercom Conversation Closed"))

    /// Delivers through a stand-in with a stepped clock: backoff sleeps are recorded, not waited.
    func deliver(
        _ respond: @escaping @Sendable (StandInServer.Request, Int) -> StandInServer.Reply, budgetMilliseconds: Int = 4000,
        time: SteppedTime = SteppedTime(), isReplay: Bool = false
    ) throws -> (FullStoryClient.Report, [StandInServer.Request], sleeps: [Int]) {
        let server = try StandInServer(respond: respond)
        defer { server.shutdown() }
        let client = FullStoryClient(
            baseURL: server.baseURL, apiKey: "na1.secret-key",
            http: try HTTPClient(options: .init(userAgent: "test")), time: time.source)
        let budget = TimeBudget(
            startNanoseconds: time.source.monotonicNanoseconds(), allowanceMilliseconds: budgetMilliseconds,
            context: LambdaContext(requestID: "t", deadlineEpochMilliseconds: nil), time: time.source)
        let report = client.deliver(Self.event, budget: budget, logger: Self.logger, isReplay: isReplay)
        return (report, server.requests, time.sleeps)
    }

    /// FullStory refusing the key with another body: on Intercom's retry of a webhook the event was recorded by an
    /// earlier attempt; on a first attempt it is a refusal like any other. Neither is sent again.
    @Test(arguments: [false, true])
    func aKeyReusedWithAnotherBodyIsDeliveredOnlyOnAReplay(isReplay: Bool) throws {
        let (report, requests, _) = try deliver(
            { _, _ in .json(400, #"{"code":"invalid_argument","message":"idempotency key reused with another body"}"#) }, isReplay: isReplay)
        #expect(requests.count == 1)
        #expect(report.outcome == (isReplay ? .delivered(Self.event) : .rejected(status: 400, code: "invalid_argument")))
    }

    @Test func sendsTheDocumentedRequest() throws {
        let (report, requests, _) = try deliver { _, _ in .json(200, "{}") }
        #expect(report.outcome == .delivered(Self.event))
        #expect(report.attempts == 1)
        let request = try #require(requests.first)
        #expect(request.method == "POST")
        #expect(request.uri == "/v2/events")
        #expect(request.header("Authorization") == "Basic na1.secret-key")
        #expect(request.header("Content-Type") == "application/json")
        #expect(request.header("Idempotency-Key") == Self.event.idempotencyKey)
        #expect(request.body == Self.event.body())
    }

    @Test func honoursRetryAfterAndKeepsTheKey() throws {
        let (report, requests, sleeps) = try deliver { _, index in
            index == 0 ? .json(429, #"{"code":"too_many_requests","message":"slow down"}"#, headers: [("Retry-After", "1")]) : .json(200, "{}")
        }
        #expect(report.outcome == .delivered(Self.event))
        #expect(report.attempts == 2)
        #expect(requests.map { $0.header("Idempotency-Key") } == [Self.event.idempotencyKey, Self.event.idempotencyKey])
        #expect(requests[1].body == requests[0].body)
        #expect(sleeps == [1000], "Retry-After: 1 waited, once")
    }

    @Test func retryAfterBeyondTheBudgetStopsAtOnce() throws {
        let (report, requests, sleeps) = try deliver { _, _ in .json(429, "{}", headers: [("Retry-After", "30")]) }
        #expect(report.outcome == .unavailable(reason: "FullStory answered 429"))
        #expect(report.outcome.reply.response.statusCode == 503)
        #expect(requests.count == 1)
        #expect(sleeps.isEmpty, "a wait beyond the budget is not started")
    }

    @Test(arguments: [500, 502, 503])
    func serverErrorsAreRetriedThenReportedUnavailable(_ status: Int) throws {
        let (report, requests, sleeps) = try deliver { _, _ in .json(status, #"{"code":"server_error"}"#) }
        #expect(report.outcome.reply.response.statusCode == 503)
        #expect(requests.count == FullStoryClient.retryPolicy.maximumAttempts)
        #expect(Set(requests.map { $0.header("Idempotency-Key") }).count == 1)
        // Backoff with jitter before attempts 2, 3 and 4: 50–100, 100–200, 200–400 ms.
        #expect(sleeps.count == 3)
        #expect(zip(sleeps, [(50, 100), (100, 200), (200, 400)]).allSatisfy { $0 >= $1.0 && $0 <= $1.1 }, "\(sleeps)")
    }

    @Test func aHangingFullStoryStillGetsAnAnswerWithinTheBudget() throws {
        // Real time: libcurl's timeouts bound each attempt (2 s), the budget the whole (4 s; Intercom waits 5).
        let start = SystemClock.monotonicNanoseconds()
        let (report, _, _) = try deliver { _, _ in .delayed(milliseconds: 10_000, .init(.json(200, "{}"))) }
        let elapsed = Int((SystemClock.monotonicNanoseconds() - start) / 1_000_000)
        #expect(report.outcome.reply.response.statusCode == 503)
        #expect(elapsed < 4500, "answered after \(elapsed) ms")
        #expect(report.attempts >= 2)  // one hang does not use the whole budget
    }

    @Test func closedConnectionsAreRetried() throws {
        let (report, requests, _) = try deliver { _, index in index == 0 ? .closeConnection : .json(200, "{}") }
        #expect(report.outcome == .delivered(Self.event))
        #expect(requests.count == 2)
    }

    @Test func refusedConnectionsReportUnavailable() throws {
        let port = freeLoopbackPort()
        let client = FullStoryClient(baseURL: "http://127.0.0.1:\(port)", apiKey: "k", http: try HTTPClient(options: .init(userAgent: "t")))
        let budget = TimeBudget(
            startNanoseconds: SystemClock.monotonicNanoseconds(), allowanceMilliseconds: 2000, context: LambdaContext(requestID: "t", deadlineEpochMilliseconds: nil),
            time: .system)
        let report = client.deliver(Self.event, budget: budget, logger: Self.logger)
        #expect(report.outcome.reply.response.statusCode == 503)
    }

    @Test func fullSessionIsRetriedOnceWithoutIt() throws {
        let (report, requests, _) = try deliver { _, index in
            index == 0 ? .json(400, #"{"code":"session_page_limit_exceeded","message":"full"}"#) : .json(200, "{}")
        }
        #expect(report.outcome == .delivered(Self.event.unlinked()))
        #expect(requests.count == 2)
        let second = try JSONDocument(parsing: requests[1].body).root
        #expect(second["session"] == nil)
        #expect(second["user"] == nil)
        #expect(requests[1].header("Idempotency-Key") == Self.event.unlinked().idempotencyKey)
        #expect(requests[1].header("Idempotency-Key") != requests[0].header("Idempotency-Key"))
    }

    @Test func refusedEventsAreNotRetried() throws {
        let (report, requests, _) = try deliver { _, _ in .json(400, #"{"code":"invalid_argument","message":"bad"}"#) }
        #expect(report.outcome == .rejected(status: 400, code: "invalid_argument"))
        #expect(report.outcome.reply.response.statusCode == 200)
        #expect(requests.count == 1)
    }

    @Test(arguments: [401, 403])
    func refusedCredentialsAnswer502(_ status: Int) throws {
        let (report, requests, _) = try deliver { _, _ in .json(status, #"{"code":"unauthorized"}"#) }
        #expect(report.outcome == .refusedCredentials(status: status))
        #expect(report.outcome.reply.response.statusCode == 502)
        #expect(requests.count == 1)
    }

    @Test func noAttemptWithoutTime() throws {
        let (report, requests, _) = try deliver({ _, _ in .json(200, "{}") }, budgetMilliseconds: 50)
        #expect(report.outcome.reply.response.statusCode == 503)
        #expect(requests.isEmpty)
    }
}
