#if canImport(Glibc)
import Glibc
#endif
import FlatJSON
import LambdaRuntime
import Logging
import TestSupport
import Testing

/// The runtime loop against an in-process fake Runtime API.
@Suite(.serialized) struct LambdaRuntimeLoopTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    struct Echo: LambdaHandler {
        var seen: [LambdaContext] = []
        mutating func handle(_ event: [UInt8], context: LambdaContext) throws -> [UInt8] {
            seen.append(context)
            return Array("echo:".utf8) + event
        }
    }

    struct Failing: LambdaHandler {
        struct Boom: Error {}
        func handle(_ event: [UInt8], context: LambdaContext) throws -> [UInt8] { throw Boom() }
    }

    struct ConfigProblem: LambdaReportableError {
        var lambdaErrorType: String { "Runtime.InvalidConfiguration" }
        var lambdaErrorMessage: String { "SOME_VARIABLE is required" }
    }

    /// A fake Runtime API: `/next` hands out `events` in order (with the given headers), POSTs answer `postStatus`.
    static func fakeRuntimeAPI(
        events: [String], nextHeaders: [(String, String)]? = nil, postStatus: Int = 202
    ) throws -> StandInServer {
        try StandInServer { request, _ in
            if request.method == "GET", request.uri.hasSuffix("/runtime/invocation/next") {
                return .respond(status: 200, headers: nextHeaders ?? [
                    ("Lambda-Runtime-Aws-Request-Id", "req-1"), ("Lambda-Runtime-Deadline-Ms", "4102444800000"),
                    ("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:1:function:f"),
                    ("Lambda-Runtime-Trace-Id", "Root=1-abc;Parent=def;Sampled=1"), ("Content-Type", "application/json"),
                ], body: Array((events.first ?? "{}").utf8))
            }
            return .json(postStatus, #"{"status":"OK"}"#)
        }
    }

    /// `/next`'s answer for invocation `requestID`: the headers Lambda always sends, and `body`.
    static func invocation(_ requestID: String, body: [UInt8] = Array("{}".utf8)) -> StandInServer.Reply {
        .respond(
            status: 200,
            headers: [("Lambda-Runtime-Aws-Request-Id", requestID), ("Lambda-Runtime-Deadline-Ms", "4102444800000")],
            body: body)
    }

    @Test func postsTheHandlerResponse() throws {
        let server = try Self.fakeRuntimeAPI(events: [#"{"a":1}"#])
        defer { server.shutdown() }
        let exit = LambdaRuntime.run(runtimeAPI: "127.0.0.1:\(server.port)", logger: Self.logger, invocationLimit: 2) {
            Echo()
        }
        #expect(exit == .invocationLimitReached)
        let posts = server.requests.filter { $0.method == "POST" }
        #expect(posts.count == 2)
        #expect(posts[0].uri == "/2018-06-01/runtime/invocation/req-1/response")
        #expect(posts[0].bodyText == #"echo:{"a":1}"#)
        #expect(posts[0].header("Expect") == nil)
        // The trace id is in the context only: setting the variable per invocation leaked memory.
        #expect(getenv("_X_AMZN_TRACE_ID") == nil)
    }

    @Test func handsTheContextToTheHandler() throws {
        final class Box: @unchecked Sendable { var contexts: [LambdaContext] = [] }
        struct Recording: LambdaHandler {
            let box: Box
            func handle(_ event: [UInt8], context: LambdaContext) throws -> [UInt8] {
                box.contexts.append(context)
                return []
            }
        }
        let server = try Self.fakeRuntimeAPI(events: ["{}"])
        defer { server.shutdown() }
        let box = Box()
        _ = LambdaRuntime.run(runtimeAPI: "127.0.0.1:\(server.port)", logger: Self.logger, invocationLimit: 1) {
            Recording(box: box)
        }
        let context = try #require(box.contexts.first)
        #expect(context.requestID == "req-1")
        #expect(context.deadlineEpochMilliseconds == 4_102_444_800_000)
        #expect(context.invokedFunctionARN == "arn:aws:lambda:us-east-1:1:function:f")
        #expect((context.remainingMilliseconds() ?? 0) > 0)
    }

    @Test func missingOptionalHeadersAreTolerated() throws {
        let server = try Self.fakeRuntimeAPI(
            events: ["{}"], nextHeaders: [("lambda-runtime-aws-request-id", "req-2"), ("Lambda-Runtime-Deadline-Ms", "4102444800000")])
        defer { server.shutdown() }
        let exit = LambdaRuntime.run(runtimeAPI: "127.0.0.1:\(server.port)", logger: Self.logger, invocationLimit: 1) {
            Echo()
        }
        #expect(exit == .invocationLimitReached)
        #expect(server.requests.last?.uri == "/2018-06-01/runtime/invocation/req-2/response")
    }

    @Test func anInvocationWithoutADeadlineIsAnsweredWithAnError() throws {
        let server = try Self.fakeRuntimeAPI(events: ["{}"], nextHeaders: [("Lambda-Runtime-Aws-Request-Id", "req-4")])
        defer { server.shutdown() }
        final class Counter: @unchecked Sendable { var calls = 0 }
        let counter = Counter()
        struct Counting: LambdaHandler {
            let counter: Counter
            func handle(_ event: [UInt8], context: LambdaContext) throws -> [UInt8] {
                counter.calls += 1
                return []
            }
        }
        let exit = LambdaRuntime.run(runtimeAPI: "127.0.0.1:\(server.port)", logger: Self.logger, invocationLimit: 2) {
            Counting(counter: counter)
        }
        #expect(exit == .invocationLimitReached)
        #expect(counter.calls == 0)
        let errors = server.requests.filter { $0.uri == "/2018-06-01/runtime/invocation/req-4/error" }
        #expect(errors.count == 2)
        #expect(errors.first?.header("Lambda-Runtime-Function-Error-Type") == "Runtime.InvalidInvocation")
    }

    @Test func anEventOverTheSizeLimitIsAnsweredWithAnError() throws {
        let oversized = [UInt8](repeating: UInt8(ascii: " "), count: 6 * 1024 * 1024 + 200)
        let server = try StandInServer { request, index in
            if request.method == "GET" {
                // The first event is too large, the second is fine: the loop answers the first and goes on.
                return Self.invocation("req-\(index)", body: index == 0 ? oversized : Array("{}".utf8))
            }
            return .json(202, #"{"status":"OK"}"#)
        }
        defer { server.shutdown() }
        let exit = LambdaRuntime.run(runtimeAPI: "127.0.0.1:\(server.port)", logger: Self.logger, invocationLimit: 2) {
            Echo()
        }
        #expect(exit == .invocationLimitReached)
        let error = try #require(server.requests.first { $0.uri == "/2018-06-01/runtime/invocation/req-0/error" })
        #expect(error.header("Lambda-Runtime-Function-Error-Type") == "Runtime.EventTooLarge")
        #expect(server.requests.contains { $0.uri == "/2018-06-01/runtime/invocation/req-2/response" })
    }

    @Test func nextAnswering4xxIsRetriedThenEndsTheLoop() throws {
        let server = try StandInServer { _, _ in .json(403, #"{"errorType":"Forbidden"}"#) }
        defer { server.shutdown() }
        let exit = LambdaRuntime.run(runtimeAPI: "127.0.0.1:\(server.port)", logger: Self.logger, invocationLimit: 10) {
            Echo()
        }
        #expect(exit == .runtimeAPIUnreachable)
        #expect(server.requests.count == LambdaRuntime.maximumConsecutiveFailures)
    }

    @Test func aPassingFailureOfNextIsForgotten() throws {
        // 503 twice, then invocations: the failures are not consecutive with any later one.
        let server = try StandInServer { request, index in
            if request.method == "GET" {
                if index < 2 { return .json(503, "{}") }
                return Self.invocation("req-\(index)")
            }
            return .json(202, #"{"status":"OK"}"#)
        }
        defer { server.shutdown() }
        let exit = LambdaRuntime.run(runtimeAPI: "127.0.0.1:\(server.port)", logger: Self.logger, invocationLimit: 3) {
            Echo()
        }
        #expect(exit == .invocationLimitReached)
        #expect(server.requests.filter { $0.uri.hasSuffix("/response") }.count == 3)
    }

    @Test func aFailureWhilePostingTheResultDoesNotEndTheLoop() throws {
        // The first answer's connection is dropped; the loop logs it and takes the next invocation.
        let server = try StandInServer { request, index in
            if request.method == "GET" {
                return Self.invocation("req-\(index)")
            }
            return request.uri.contains("/req-0/") ? .closeConnection : .json(202, #"{"status":"OK"}"#)
        }
        defer { server.shutdown() }
        let exit = LambdaRuntime.run(runtimeAPI: "127.0.0.1:\(server.port)", logger: Self.logger, invocationLimit: 2) {
            Echo()
        }
        #expect(exit == .invocationLimitReached)
        let posts = server.requests.filter { $0.method == "POST" }
        #expect(posts.contains { $0.uri == "/2018-06-01/runtime/invocation/req-0/response" })
        #expect(posts.last.map { $0.uri.hasSuffix("/response") && !$0.uri.contains("/req-0/") } == true)
    }

    @Test func handlerErrorsArePostedAsInvocationErrors() throws {
        let server = try Self.fakeRuntimeAPI(events: ["{}"])
        defer { server.shutdown() }
        let exit = LambdaRuntime.run(runtimeAPI: "127.0.0.1:\(server.port)", logger: Self.logger, invocationLimit: 2) {
            Failing()
        }
        #expect(exit == .invocationLimitReached)  // the loop goes on after a handler error
        let errors = server.requests.filter { $0.uri == "/2018-06-01/runtime/invocation/req-1/error" }
        #expect(errors.count == 2)
        let error = try #require(errors.first)
        #expect(error.header("Lambda-Runtime-Function-Error-Type") == "Function.Unhandled")
        let body = try JSONDocument(parsing: error.body).root
        #expect(body["errorType"]?.string == "Function.Unhandled")
        #expect(body["errorMessage"]?.string == "Boom()")
        #expect(body["stackTrace"]?.kind == .array)
    }

    @Test func initErrorsAreReportedAndEndTheProcess() throws {
        let server = try Self.fakeRuntimeAPI(events: ["{}"])
        defer { server.shutdown() }
        let exit = LambdaRuntime.run(runtimeAPI: "127.0.0.1:\(server.port)", logger: Self.logger) { () throws -> Echo in
            throw ConfigProblem()
        }
        #expect(exit == .initFailed)
        #expect(exit.exitCode != 0)
        let requests = server.requests
        #expect(requests.count == 1)
        #expect(requests.first?.uri == "/2018-06-01/runtime/init/error")
        #expect(requests.first?.header("Lambda-Runtime-Function-Error-Type") == "Runtime.InvalidConfiguration")
        #expect(try JSONDocument(parsing: requests.first?.body ?? []).root["errorMessage"]?.string == "SOME_VARIABLE is required")
    }

    @Test func containerErrorOnNextEndsTheLoop() throws {
        let server = try StandInServer { _, _ in .json(500, #"{"errorType":"ContainerError"}"#) }
        defer { server.shutdown() }
        let exit = LambdaRuntime.run(runtimeAPI: "127.0.0.1:\(server.port)", logger: Self.logger, invocationLimit: 5) {
            Echo()
        }
        #expect(exit == .containerError)
        #expect(server.requests.count == 1)
    }

    @Test func containerErrorOnPostEndsTheLoop() throws {
        let server = try Self.fakeRuntimeAPI(events: ["{}"], postStatus: 500)
        defer { server.shutdown() }
        let exit = LambdaRuntime.run(runtimeAPI: "127.0.0.1:\(server.port)", logger: Self.logger, invocationLimit: 5) {
            Echo()
        }
        #expect(exit == .containerError)
    }

    @Test func oversizedResponsesAreReportedAsErrors() throws {
        let server = try StandInServer { request, _ in
            if request.method == "GET" {
                return Self.invocation("req-3")
            }
            if request.uri.hasSuffix("/response") {
                return .json(413, #"{"errorType":"RequestEntityTooLarge"}"#)
            }
            return .json(202, #"{"status":"OK"}"#)
        }
        defer { server.shutdown() }
        let exit = LambdaRuntime.run(runtimeAPI: "127.0.0.1:\(server.port)", logger: Self.logger, invocationLimit: 1) {
            Echo()
        }
        #expect(exit == .invocationLimitReached)
        let error = try #require(server.requests.first { $0.uri == "/2018-06-01/runtime/invocation/req-3/error" })
        #expect(error.header("Lambda-Runtime-Function-Error-Type") == "Function.ResponseSizeTooLarge")
    }

    @Test func unreachableRuntimeAPIEndsTheLoopAfterAFewTries() {
        let port = freeLoopbackPort()  // nothing listens there
        let exit = LambdaRuntime.run(runtimeAPI: "127.0.0.1:\(port)", logger: Self.logger, invocationLimit: 10) {
            Echo()
        }
        #expect(exit == .runtimeAPIUnreachable)
        #expect(exit.exitCode != 0)
    }

    @Test func missingRuntimeAPIVariableFailsAtOnce() {
        #expect(LambdaRuntime.run(runtimeAPI: nil, logger: Self.logger) { Echo() } == .missingRuntimeAPI)
    }

    @Test func invocationsWithoutARequestIDAreNotAnswered() throws {
        let server = try Self.fakeRuntimeAPI(events: ["{}"], nextHeaders: [("Lambda-Runtime-Deadline-Ms", "1")])
        defer { server.shutdown() }
        let exit = LambdaRuntime.run(runtimeAPI: "127.0.0.1:\(server.port)", logger: Self.logger, invocationLimit: 5) {
            Echo()
        }
        #expect(exit == .runtimeAPIUnreachable)
        #expect(server.requests.allSatisfy { $0.method == "GET" })
    }
}
