import FlatJSON
import IntercomFullStory
import Testing

/// One test per row of the response table (docs/reliability.md, "Responses").
@Suite struct ResponseTableTests {
    let handler = WebhookHandler(configuration: Fixtures.configuration)
    let closedBody = Fixtures.body("closed.json")

    func status(_ event: [UInt8]) -> Int { handler.handle(event: event).decision.statusIfDelivered }

    @Test func headAnswers200WithoutSignatureOrBody() throws {
        let reply = try #require(handler.handle(event: Fixtures.restEvent(body: [], method: "HEAD", signature: "")).decision.reply)
        #expect(reply.response.statusCode == 200)
        #expect(reply.response.body.isEmpty)
        #expect(reply.outcome == .health)
    }

    @Test func getAnswersAHealthBody() throws {
        let reply = try #require(handler.handle(event: Fixtures.restEvent(body: [], method: "GET", signature: "")).decision.reply)
        #expect(reply.response.statusCode == 200)
        #expect(try JSONDocument(parsing: reply.response.body).root["status"]?.string == "ok")
    }

    @Test(arguments: ["PUT", "DELETE", "PATCH", "OPTIONS"])
    func otherMethodsAnswer405(_ method: String) {
        #expect(status(Fixtures.restEvent(body: closedBody, method: method)) == 405)
    }

    @Test func bodyOverOneMebibyteAnswers413() {
        let big = [UInt8](repeating: UInt8(ascii: " "), count: (1 << 20) + 1)
        #expect(status(Fixtures.restEvent(body: big)) == 413)
        let atLimit = Array("{}".utf8) + [UInt8](repeating: UInt8(ascii: " "), count: (1 << 20) - 2)
        #expect(status(Fixtures.restEvent(body: atLimit)) == 400)
    }

    @Test func base64BodyOverTheLimitAnswers413() {
        let event = #"{"httpMethod":"POST","body":""# + String(repeating: "QUFB", count: 350_000) + #"","isBase64Encoded":true}"#
        #expect(status(Array(event.utf8)) == 413)
    }

    static let badSignatures: [(String, IntercomSignature.Verdict)] = [
        ("", .malformed),
        ("sha1=", .malformed),
        ("sha1=abc", .malformed),
        ("sha1=" + String(repeating: "g", count: 40), .malformed),
        ("sha1=" + String(repeating: "A", count: 40), .malformed),
        ("sha256=" + String(repeating: "a", count: 64), .unsupportedAlgorithm),
        ("sha1=" + String(repeating: "0", count: 40), .mismatch),
    ]

    @Test(arguments: badSignatures)
    func badSignaturesAnswer401(_ header: String, _ verdict: IntercomSignature.Verdict) throws {
        let reply = try #require(handler.handle(event: Fixtures.restEvent(body: closedBody, signature: header)).decision.reply)
        #expect(reply.response.statusCode == 401)
        #expect(reply.reason == verdict.reason)
    }

    @Test func missingSignatureAnswers401() throws {
        let event = Fixtures.restEvent(body: closedBody, headerName: "X-Other")
        #expect(handler.handle(event: event).decision.reply?.reason == IntercomSignature.Verdict.missing.reason)
    }

    @Test func wrongSecretAndTamperedBodyAnswer401() {
        #expect(status(Fixtures.restEvent(body: closedBody, secret: "another-secret")) == 401)
        let signature = IntercomSignature.sign(body: closedBody, secret: Array(Fixtures.testSecret.utf8))
        var tampered = closedBody
        tampered[tampered.count / 2] ^= 0x01
        #expect(status(Fixtures.restEvent(body: tampered, signature: signature)) == 401)
    }

    @Test func signatureHeaderIsFoundInAnyCase() {
        let body = Fixtures.body("ping.json")
        for name in ["x-hub-signature", "X-HUB-SIGNATURE", "X-Hub-Signature"] {
            #expect(status(Fixtures.restEvent(body: body, headerName: name)) == 200)
        }
    }

    @Test func signatureIsCheckedBeforeParsing() throws {
        let reply = try #require(handler.handle(event: Fixtures.restEvent(body: Array("not json".utf8), secret: "x")).decision.reply)
        #expect(reply.response.statusCode == 401)
    }

    @Test(arguments: [
        ("not json", "body is not JSON"), ("[1,2]", "not an Intercom notification"),
        (#"{"type":"other","topic":"ping","data":{"item":{}}}"#, "not an Intercom notification"),
        (#"{"type":"notification_event","data":{"item":{}}}"#, "not an Intercom notification"),
        (#"{"type":"notification_event","topic":"ping"}"#, "not an Intercom notification"),
    ])
    func malformedBodiesAnswer400(_ body: String, _ reason: String) throws {
        let reply = try #require(handler.handle(event: Fixtures.restEvent(body: Array(body.utf8))).decision.reply)
        #expect(reply.response.statusCode == 400)
        #expect(reply.reason.hasPrefix(reason))
    }

    @Test func notAnAPIGatewayEventAnswers400() {
        #expect(status(Fixtures.body("closed.json")) == 400)
        #expect(status(Array("garbage".utf8)) == 400)
    }

    @Test func mappedTopicWithoutConversationAnswers400() throws {
        let body = #"{"type":"notification_event","topic":"conversation.admin.closed","data":{"item":{"type":"conversation","conversation_id":"1"}}}"#
        let reply = try #require(handler.handle(event: Fixtures.restEvent(body: Array(body.utf8))).decision.reply)
        #expect(reply.response.statusCode == 400)
    }

    @Test func pingAndIgnoredTopicsAnswer200WithoutAnEvent() throws {
        let ping = try #require(handler.handle(event: Fixtures.restEvent(body: Fixtures.body("ping.json"))).decision.reply)
        #expect(ping.outcome == .ping)
        let ignored = try #require(handler.handle(event: Fixtures.restEvent(body: Fixtures.body("ignored-topic.json"))).decision.reply)
        #expect(ignored.outcome == .ignored)
        #expect(ignored.response.statusCode == 200)
    }

    @Test func optionalTopicsAreOffUntilConfigured() throws {
        let body = Fixtures.notification("conversation.admin.replied.1x.json")
        #expect(handler.handle(event: Fixtures.restEvent(body: body)).decision.reply?.outcome == .ignored)
        var configuration = Fixtures.configuration
        configuration.extraTopics = ["conversation.admin.replied"]
        let draft = try #require(WebhookHandler(configuration: configuration).handle(event: Fixtures.restEvent(body: body)).decision.draft)
        #expect(draft.route.eventName == "Intercom Conversation Admin Replied")
    }

    @Test func unsignedRequestsPassOnlyWhenAllowed() {
        let event = Fixtures.restEvent(body: Fixtures.body("ping.json"), headerName: "X-None")
        #expect(status(event) == 401)
        let unsigned = WebhookHandler(configuration: WebhookConfiguration(signature: .acceptUnsigned))
        #expect(unsigned.handle(event: event).decision.statusIfDelivered == 200)
    }

    @Test func deliveryOutcomesMapToIntercomStatuses() throws {
        let draft = try #require(handler.handle(event: Fixtures.event("closed.v1.json")).decision.draft)
        let event = draft.event(contactSessionAttribute: nil)
        #expect(DeliveryOutcome.delivered(event).reply.response.statusCode == 200)
        #expect(DeliveryOutcome.rejected(status: 400, code: "invalid_argument").reply.response.statusCode == 200)
        #expect(DeliveryOutcome.refusedCredentials(status: 401).reply.response.statusCode == 502)
        #expect(DeliveryOutcome.unavailable(reason: "timeout").reply.response.statusCode == 503)
    }

    @Test func responsesEncodeAsProxyResponses() throws {
        let encoded = WebhookReply.ping.response.encoded()
        let root = try JSONDocument(parsing: encoded).root
        #expect(root["statusCode"]?.int == 200)
        #expect(root["isBase64Encoded"]?.bool == false)
        #expect(root["headers", "Content-Type"]?.string == "application/json")
        #expect(try JSONDocument(parsing: root["body"]?.string ?? "").root["status"]?.string == "ping")
    }
}

/// `INTERCOM_APP_IDS`: only listed workspaces are forwarded; the others get 200 and nothing is sent.
@Suite struct AppAllowListTests {
    static func handler(_ allowed: Set<String>) -> WebhookHandler {
        var configuration = Fixtures.configuration
        configuration.allowedAppIDs = allowed
        return WebhookHandler(configuration: configuration)
    }

    @Test func aListedWorkspaceIsForwarded() throws {
        let draft = try #require(Self.handler(["abc123def"]).handle(event: Fixtures.event("closed.v1.json")).decision.draft)
        #expect(draft.route.eventName == "Intercom Conversation Closed")
    }

    @Test func anUnlistedWorkspaceIsIgnoredWith200() throws {
        for file in ["closed.v1.json", "rated.v2.json", "ping.v1.json", "ignored-topic.v1.json"] {
            let (decision, summary) = Self.handler(["other-workspace"]).handle(event: Fixtures.event(file))
            let reply = try #require(decision.reply, "\(file) sends nothing")
            #expect(reply.outcome == .appNotAllowed)
            #expect(reply.response.statusCode == 200)
            #expect(reply.response.body == #"{"status":"ignored","reason":"app not allowed"}"#)
            #expect(summary.appID?.isEmpty == false, "the workspace is named in the log")
        }
        // A notification without app_id cannot be on the list.
        let body = #"{"type":"notification_event","topic":"conversation.admin.closed","data":{"item":{"type":"conversation","id":"1"}}}"#
        #expect(Self.handler(["x"]).handle(event: Fixtures.restEvent(body: Array(body.utf8))).decision.reply?.outcome == .appNotAllowed)
    }

    @Test func theSignatureComesFirstAndTheEmptyListAllowsAll() throws {
        #expect(Self.handler(["other"]).handle(event: Fixtures.event("bad-signature.v1.json")).decision.reply?.outcome == .unauthorized)
        #expect(Self.handler([]).handle(event: Fixtures.event("closed.v2.json")).decision.draft != nil)
        #expect(Self.handler(["other"]).handle(event: Fixtures.event("head.v1.json")).decision.reply?.outcome == .health)
    }
}
