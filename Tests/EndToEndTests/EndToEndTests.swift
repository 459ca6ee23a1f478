import AWSSQS
import FlatJSON
import ProductVersion
import TestSupport
import Testing

/// The built `bootstrap` under the real Runtime Interface Emulator, against loopback stand-ins for FullStory
/// and Intercom. One invocation at a time, as Lambda sends them.
@Suite(.serialized) struct EndToEndTests {
    static let contactWithSession = #"{"type":"contact","id":"696205460674dbb9050aa7fd","custom_attributes":{"fs_session_id":"https://app.fullstory.com/ui/o-1/session/111%3A222"}}"#

    struct Rig {
        let fullStory: StandInServer
        let intercom: StandInServer
        let base: EmulatorRig

        var emulator: EmulatorHarness { base.emulator }

        @discardableResult
        func shutdown() -> String { base.shutdown() }
    }

    /// FullStory's and Intercom's stand-ins answering as given, the token for Intercom, and what `EmulatorRig` adds.
    static func rig(
        fullStory: @escaping @Sendable (StandInServer.Request, Int) -> StandInServer.Reply = { _, _ in .json(200, "{}") },
        intercom: @escaping @Sendable (StandInServer.Request, Int) -> StandInServer.Reply = { _, _ in .json(200, contactWithSession) },
        environment: [String: String?] = [:], fullStoryTLS: TestCertificates.Identity? = nil,
        intercomTLS: TestCertificates.Identity? = nil, queueName: String? = nil, credentials: AWSCredentials? = nil,
        namesDeadLetterQueue: Bool = false
    ) throws -> Rig {
        let fullStoryServer = try StandInServer(tls: fullStoryTLS, respond: fullStory)
        let intercomServer: StandInServer
        do {
            intercomServer = try StandInServer(tls: intercomTLS, respond: intercom)
        } catch {
            fullStoryServer.shutdown()
            throw error
        }
        var variables: [String: String?] = ["INTERCOM_ACCESS_TOKEN": EmulatorHarness.intercomToken]
        for (name, value) in environment { variables[name] = value }
        let base = try EmulatorRig(
            standIns: [.server(fullStoryServer, at: "FULLSTORY_API_URL"), .server(intercomServer, at: "INTERCOM_API_URL")],
            queueName: queueName, credentials: credentials, namesDeadLetterQueue: namesDeadLetterQueue, environment: variables)
        return Rig(fullStory: fullStoryServer, intercom: intercomServer, base: base)
    }

    static let expectedStatus: [String: Int] = [
        "closed": 200, "closed-base64": 200, "rated": 200, "opened": 200, "ping": 200, "ignored-topic": 200,
        "bad-signature": 401, "head": 200,
    ]

    @Test func everySampleEventThroughTheEmulator() throws {
        let rig = try Self.rig()
        defer { rig.shutdown() }
        var forwarded = 0
        for file in ["closed.v1", "closed.v2", "closed-base64.v1", "rated.v1", "rated.v2", "opened.v1", "opened.v2", "ping.v1", "ping.v2", "ignored-topic.v1", "ignored-topic.v2", "bad-signature.v1", "bad-signature.v2", "head.v1", "head.v2"] {
            let before = rig.fullStory.requests.count
            let (response, _) = try rig.emulator.invoke(file: file + ".json")
            let name = String(file.split(separator: ".").first ?? "")
            #expect(response.statusCode == Self.expectedStatus[name], "\(file)")
            let sent = rig.fullStory.requests.count - before
            let forwards = ["closed", "closed-base64", "rated", "opened"].contains(name)
            #expect(sent == (forwards ? 1 : 0), "\(file) sent \(sent) events")
            if forwards { forwarded += 1 }
        }
        #expect(rig.fullStory.requests.count == forwarded)
        // The contact lookup linked closed and opened to the session on the contact; rated carried its own.
        let bodies = try rig.fullStory.requests.map { try JSONDocument(parsing: $0.body).root }
        #expect(bodies.allSatisfy { $0["session", "id"]?.string != nil })
        #expect(rig.intercom.requests.allSatisfy { $0.header("Authorization") == "Bearer \(EmulatorHarness.intercomToken)" })
        // Every request says which version sent it.
        let agents = Set((rig.fullStory.requests + rig.intercom.requests).map { $0.header("User-Agent") })
        #expect(agents == [ProductVersion.userAgent])
    }

    @Test func rateLimitedThenAccepted() throws {
        let rig = try Self.rig(fullStory: { _, index in
            index == 0 ? .json(429, #"{"code":"too_many_requests","message":"slow"}"#, headers: [("Retry-After", "1")]) : .json(200, "{}")
        })
        defer { rig.shutdown() }
        let (response, milliseconds) = try rig.emulator.invoke(file: "closed.v1.json")
        #expect(response.statusCode == 200)
        let requests = rig.fullStory.requests
        #expect(requests.count == 2)
        #expect(requests[0].header("Idempotency-Key") == requests[1].header("Idempotency-Key"))
        #expect(requests[1].receivedAt - requests[0].receivedAt >= 1_000_000_000)
        #expect(milliseconds < 5000)
    }

    @Test func fullStoryDownAnswers503InTime() throws {
        let rig = try Self.rig(environment: ["FULLSTORY_API_URL": "http://127.0.0.1:\(freeLoopbackPort())"])
        defer { rig.shutdown() }
        let (response, milliseconds) = try rig.emulator.invoke(file: "closed.v1.json")
        #expect(response.statusCode == 503)
        #expect(milliseconds < 5000)
        // The same process answers the next invocation.
        #expect(try rig.emulator.invoke(file: "ping.v1.json").response.statusCode == 200)
    }

    @Test func fullStoryHangingStillAnswersInTime() throws {
        let rig = try Self.rig(fullStory: { _, _ in .delayed(milliseconds: 8000, .init(.json(200, "{}"))) })
        defer { rig.shutdown() }
        let (response, milliseconds) = try rig.emulator.invoke(file: "rated.v1.json")
        #expect(response.statusCode == 503)
        #expect(milliseconds < 5000)
        #expect(try rig.emulator.invoke(file: "head.v2.json").response.statusCode == 200)
    }

    @Test func failedContactLookupFallsBackToTheUser() throws {
        let rig = try Self.rig(intercom: { _, _ in .json(500, #"{"type":"error.list"}"#) })
        defer { rig.shutdown() }
        let (response, _) = try rig.emulator.invoke(file: "closed.v2.json")
        #expect(response.statusCode == 200)
        let body = try JSONDocument(parsing: try #require(rig.fullStory.requests.first).body).root
        #expect(body["user", "uid"]?.string == "5e68ece4-0ec8-4792-baac-02deba39e7fe")
        #expect(body["session", "use_most_recent"]?.bool == true)
        #expect(rig.intercom.requests.count == 1)
        let output = rig.shutdown()
        #expect(output.contains("contact lookup failed"))
    }

    @Test func redeliveryUsesTheSameKey() throws {
        let rig = try Self.rig()
        defer { rig.shutdown() }
        _ = try rig.emulator.invoke(file: "closed.v1.json")
        _ = try rig.emulator.invoke(file: "closed.v2.json")
        let keys = rig.fullStory.requests.map { $0.header("Idempotency-Key") }
        #expect(keys.count == 2)
        #expect(keys[0] != nil && keys[0] == keys[1])
    }

    @Test func badSignatureSendsNothing() throws {
        let rig = try Self.rig()
        defer { rig.shutdown() }
        #expect(try rig.emulator.invoke(file: "bad-signature.v2.json").response.statusCode == 401)
        #expect(rig.fullStory.requests.isEmpty)
        #expect(rig.intercom.requests.isEmpty)
    }

    @Test func missingAPIKeyIsAnInitErrorNamingIt() throws {
        let rig = try Self.rig(environment: ["FULLSTORY_API_KEY": nil])
        defer { rig.shutdown() }
        let (response, _) = try rig.emulator.invoke(file: "ping.v1.json", emulatorStatus: 502)
        #expect(response["errorType"]?.string == "Runtime.InvalidConfiguration")
        #expect(response["errorMessage"]?.string?.hasPrefix("FULLSTORY_API_KEY") == true)
        #expect(rig.fullStory.requests.isEmpty)
    }

    @Test func unsignedModeWarnsLoudly() throws {
        let rig = try Self.rig(environment: ["INTERCOM_CLIENT_SECRET": nil, "INTERCOM_ALLOW_UNSIGNED": "true"])
        defer { rig.shutdown() }
        #expect(try rig.emulator.invoke(file: "bad-signature.v1.json").response.statusCode == 200)
        let output = rig.shutdown()
        #expect(output.contains("INTERCOM_ALLOW_UNSIGNED=true: webhook signatures are NOT verified"))
    }

    @Test func logsAreJSONLinesWithASummaryPerInvocation() throws {
        let rig = try Self.rig()
        defer { rig.shutdown() }
        _ = try rig.emulator.invoke(file: "closed.v1.json")
        _ = try rig.emulator.invoke(file: "ping.v1.json")
        let output = rig.shutdown()
        let summaries = output.split(separator: "\n").compactMap { line -> JSONValue? in
            guard line.hasPrefix("{") else { return nil }
            return try? JSONDocument(parsing: String(line)).root
        }.filter { $0["message"]?.string == "invocation" }
        #expect(summaries.count == 2)
        let closed = try #require(summaries.first)
        #expect(closed["outcome"]?.string == "delivered")
        #expect(closed["topic"]?.string == "conversation.admin.closed")
        #expect(closed["fullstoryStatus"]?.string == "200")
        #expect(closed["attempts"]?.string == "1")
        #expect(closed["requestId"]?.string?.isEmpty == false)
        #expect(closed["notificationId"]?.string == "notif_0c9a7a1e-5b1d-4c53-9f0e-3f8d2a6b7c41")
        #expect(closed["durationMs"] != nil)
    }
}
