#if canImport(Glibc)
import Glibc
#endif
import FlatJSON
import TestSupport
import Testing

/// FullStory and Intercom failing in every way we know, against the real bootstrap under the emulator: the
/// status Intercom gets, the attempts and their keys, the time taken, and that the process still serves
/// the next invocation.
@Suite(.serialized) struct FaultInjectionTests {
    struct FullStoryFault: Sendable, CustomStringConvertible {
        var description: String
        var reply: @Sendable (Int) -> StandInServer.Reply
        var status: Int
        var attempts: ClosedRange<Int>
        /// Whether the second attempt must carry another key and no session (the unlinked resend).
        var unlinkedResend = false
    }

    static let fullStoryFaults: [FullStoryFault] = [
        FullStoryFault(description: "429 with Retry-After, then 200", reply: { $0 == 0 ? .json(429, "{}", headers: [("Retry-After", "1")]) : .json(200, "{}") }, status: 200, attempts: 2...2),
        FullStoryFault(description: "429 without Retry-After, always", reply: { _ in .json(429, #"{"code":"too_many_requests"}"#) }, status: 503, attempts: 4...4),
        FullStoryFault(description: "500, always", reply: { _ in .json(500, #"{"code":"server_error"}"#) }, status: 503, attempts: 4...4),
        FullStoryFault(description: "502, then 200", reply: { $0 == 0 ? .json(502, "") : .json(200, "{}") }, status: 200, attempts: 2...2),
        FullStoryFault(description: "503, always", reply: { _ in .json(503, "") }, status: 503, attempts: 4...4),
        FullStoryFault(description: "connection closed mid-response, always", reply: { _ in .closeConnection }, status: 503, attempts: 4...4),
        FullStoryFault(description: "hanging past the budget", reply: { _ in .delayed(milliseconds: 9000, .init(.json(200, "{}"))) }, status: 503, attempts: 2...2),
        FullStoryFault(description: "400 session_page_limit_exceeded, then 200", reply: { $0 == 0 ? .json(400, #"{"code":"session_page_limit_exceeded","message":"full"}"#) : .json(200, "{}") }, status: 200, attempts: 2...2, unlinkedResend: true),
        FullStoryFault(description: "401, our key refused", reply: { _ in .json(401, #"{"code":"unauthorized"}"#) }, status: 502, attempts: 1...1),
        FullStoryFault(description: "400 invalid_argument, the event refused", reply: { _ in .json(400, #"{"code":"invalid_argument"}"#) }, status: 200, attempts: 1...1),
    ]

    @Test(arguments: fullStoryFaults)
    func fullStoryFault(_ fault: FullStoryFault) throws {
        let rig = try EndToEndTests.rig(fullStory: { _, index in fault.reply(index) })
        defer { rig.shutdown() }
        let (response, milliseconds) = try rig.emulator.invoke(file: "closed.v1.json")
        #expect(response.statusCode == fault.status)
        #expect(milliseconds < 5000, "answered after \(milliseconds) ms")
        let requests = rig.fullStory.requests
        #expect(fault.attempts.contains(requests.count), "\(requests.count) attempts")
        let keys = requests.map { $0.header("Idempotency-Key") }
        if fault.unlinkedResend {
            #expect(keys.count == 2 && keys[0] != keys[1])
            let resent = try JSONDocument(parsing: requests[1].body).root
            #expect(resent["session"] == nil && resent["user"] == nil)
        } else {
            #expect(Set(keys).count == 1, "every attempt carries the same key")
            #expect(Set(requests.map(\.body)).count <= 1, "every attempt carries the same body")
        }
        // The same process answers the next invocation.
        #expect(try rig.emulator.invoke(file: "ping.v2.json").response.statusCode == 200)
    }

    static let intercomFaults: [(String, StandInServer.Reply)] = [
        ("404", .json(404, #"{"type":"error.list","errors":[{"code":"not_found"}]}"#)),
        ("429", .json(429, #"{"type":"error.list"}"#, headers: [("Retry-After", "10")])),
        ("500", .json(500, "")),
        ("hanging", .delayed(milliseconds: 9000, .init(.json(200, EndToEndTests.contactWithSession)))),
    ]

    @Test(arguments: intercomFaults.map(\.0))
    func intercomLookupFault(_ name: String) throws {
        let reply = try #require(Self.intercomFaults.first { $0.0 == name }?.1)
        let rig = try EndToEndTests.rig(intercom: { _, _ in reply })
        defer { rig.shutdown() }
        let (response, milliseconds) = try rig.emulator.invoke(file: "closed.v2.json")
        #expect(response.statusCode == 200, "a failed lookup never fails the delivery")
        #expect(milliseconds < 5000)
        let body = try JSONDocument(parsing: try #require(rig.fullStory.requests.first).body).root
        #expect(body["user", "uid"]?.string == "5e68ece4-0ec8-4792-baac-02deba39e7fe")
        #expect(try rig.emulator.invoke(file: "ping.v1.json").response.statusCode == 200)
    }
}

/// The real bootstrap against a fake Runtime API (the emulator never answers 500 or 413 on its own).
@Suite(.serialized) struct RuntimeAPIFaultTests {
    static func start(runtimeAPI: StandInServer, environment: [String: String] = [:]) throws -> ChildProcess {
        var variables = [
            "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:\(runtimeAPI.port)", "FULLSTORY_API_KEY": EmulatorHarness.fullStoryKey,
            "INTERCOM_CLIENT_SECRET": EmulatorHarness.clientSecret, "PATH": "/usr/bin:/bin",
        ]
        for (name, value) in environment { variables[name] = value }
        return try ChildProcess(
            executable: EmulatorHarness.bootstrapPath, arguments: [], environment: variables,
            outputPath: "/tmp/intercom-fullstory-runtime-\(getpid())-\(runtimeAPI.port).log")
    }

    @Test func containerErrorMakesTheBootstrapExitPromptly() throws {
        let server = try StandInServer { _, _ in .json(500, #"{"errorType":"ContainerError"}"#) }
        defer { server.shutdown() }
        let process = try Self.start(runtimeAPI: server)
        let status = process.waitForExit(timeoutMilliseconds: 2000)
        #expect(status != nil && status != 0, "exit status \(String(describing: status))")
        LogHygiene.expectClean(process.output)
    }

    @Test func oversizedResponseIsReportedAsAnErrorAndTheLoopGoesOn() throws {
        let event = readFile(repositoryRoot + "/events/ping.v1.json")
        let server = try StandInServer { request, index in
            if request.method == "GET" {
                return .respond(status: 200, headers: [("Lambda-Runtime-Aws-Request-Id", "req-\(index)"), ("Lambda-Runtime-Deadline-Ms", "4102444800000")], body: Array(event.utf8))
            }
            return request.uri.hasSuffix("/response") && request.uri.contains("req-0/") ? .json(413, #"{"errorType":"RequestEntityTooLarge"}"#) : .json(202, #"{"status":"OK"}"#)
        }
        defer { server.shutdown() }
        let process = try Self.start(runtimeAPI: server)
        defer { process.terminate() }
        var waited = 0
        while server.requests.filter({ $0.uri.hasSuffix("/response") }).count < 2, waited < 500 {
            usleep(10_000)
            waited += 1
        }
        let requests = server.requests
        let error = try #require(requests.first { $0.uri == "/2018-06-01/runtime/invocation/req-0/error" })
        #expect(error.header("Lambda-Runtime-Function-Error-Type") == "Function.ResponseSizeTooLarge")
        #expect(requests.contains { $0.uri.hasSuffix("/response") && !$0.uri.contains("req-0/") }, "the next invocation is answered")
    }
}
