import AWSSQS
import CurlHTTP
import TestSupport
import Testing

/// Our SQS client against moto's server with real signature checks (deploy/local-sqs.py).
@Suite(.serialized) struct SQSClientTests {
    let sqs: LocalSQS

    init() throws {
        sqs = try LocalSQS.start()
    }

    static let options = HTTPClient.Options(userAgent: "intercom-fullstory-tests")

    @Test func signedMessagesRoundTripWithALongTermKey() throws {
        let client = SQSClient(credentials: sqs.user, options: Self.options)
        let queues = try sqs.makeQueues("round-trip")
        let body = #"{"type":"intercom-fullstory.delivery","note":"ü, \" and \\ survive"}"#
        let sent = try client.sendMessage(queue: queues.delivery, body: body, timeoutMilliseconds: 5000)
        #expect(!sent.messageID.isEmpty)
        let received = try client.receiveMessages(queue: queues.delivery, maximum: 10)
        #expect(received.map(\.body) == [body])
        #expect(received.first?.messageID == sent.messageID)
        #expect(received.first?.attributes["ApproximateReceiveCount"] == "1")
        try client.deleteMessage(queue: queues.delivery, receiptHandle: try #require(received.first).receiptHandle)
        #expect(try sqs.count(queues.delivery) == (0, 0))
    }

    @Test func temporaryCredentialsNeedTheirSessionToken() throws {
        let queues = try sqs.makeQueues("session-token")
        let withToken = SQSClient(credentials: sqs.role, options: Self.options)
        _ = try withToken.sendMessage(queue: queues.delivery, body: "with token", timeoutMilliseconds: 5000)
        var withoutToken = sqs.role
        withoutToken.sessionToken = nil
        #expect(throws: SQSError.self) {
            try SQSClient(credentials: withoutToken, options: Self.options)
                .sendMessage(queue: queues.delivery, body: "without token", timeoutMilliseconds: 5000)
        }
        #expect(try sqs.count(queues.delivery).visible == 1)
    }

    @Test func aWrongSecretIsRefused() throws {
        var wrong = sqs.user
        wrong.secretAccessKey = "not-the-secret-access-key"
        let error = #expect(throws: SQSError.self) {
            try SQSClient(credentials: wrong, options: Self.options)
                .sendMessage(queue: sqs.deliveryQueue, body: "refused", timeoutMilliseconds: 5000)
        }
        #expect(error == .refused(status: 403, code: "SignatureDoesNotMatch"))
        #expect(error?.isAuthorizationFailure == true)
        #expect(!"\(String(describing: error))".contains("not-the-secret"))
    }

    @Test func visibilityChangesHideMessagesAndReportUnknownHandles() throws {
        let client = sqs.client()
        let queues = try sqs.makeQueues("visibility")
        _ = try client.sendMessage(queue: queues.delivery, body: "later", timeoutMilliseconds: 5000)
        let received = try #require(try client.receiveMessages(queue: queues.delivery, visibilityTimeoutSeconds: 0).first)
        let refused = try client.changeMessageVisibility(
            queue: queues.delivery,
            [.init(receiptHandle: received.receiptHandle, visibilityTimeoutSeconds: 600),
             .init(receiptHandle: "not-a-receipt-handle", visibilityTimeoutSeconds: 600)],
            timeoutMilliseconds: 5000)
        #expect(refused.map(\.receiptHandle) == ["not-a-receipt-handle"])
        #expect(try client.receiveMessages(queue: queues.delivery).isEmpty, "hidden for 600 s")
        #expect(try sqs.count(queues.delivery) == (0, 1))
    }

    @Test func aQueueThatDoesNotExistIsNamed() throws {
        let missing = try #require(SQSQueueURL(sqs.endpoint + "/123456789012/no-such-queue"))
        let error = #expect(throws: SQSError.self) {
            try sqs.client().sendMessage(queue: missing, body: "x", timeoutMilliseconds: 5000)
        }
        guard case .refused(let status, let code) = error else {
            Issue.record("expected a refusal, got \(String(describing: error))")
            return
        }
        #expect(status == 400)
        #expect(code?.contains("NonExistentQueue") == true || code?.contains("QueueDoesNotExist") == true, "\(code ?? "-")")
    }

    @Test func nothingListeningIsATransportError() throws {
        let closed = try #require(SQSQueueURL("http://127.0.0.1:\(freeLoopbackPort())/123456789012/q"))
        let error = #expect(throws: SQSError.self) {
            try sqs.client().sendMessage(queue: closed, body: "x", timeoutMilliseconds: 2000)
        }
        guard case .transport = error else {
            Issue.record("expected a transport error, got \(String(describing: error))")
            return
        }
    }

    @Test func queueURLsGiveTheirEndpoint() throws {
        #expect(SQSQueueURL("https://sqs.eu-west-1.amazonaws.com/123456789012/delivery")?.endpoint == "https://sqs.eu-west-1.amazonaws.com/")
        #expect(SQSQueueURL("http://127.0.0.1:4566/000000000000/q")?.endpoint == "http://127.0.0.1:4566/")
        for invalid in ["", "sqs.amazonaws.com/1/q", "https://", "https:///1/q", "https://sqs.amazonaws.com", "https://sqs.amazonaws.com/"] {
            #expect(SQSQueueURL(invalid) == nil, "\(invalid)")
        }
    }
}
