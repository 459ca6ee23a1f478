import AWSSQS
import CurlHTTP
import IntercomFullStory
import IntercomFullStoryFunction
import LambdaRuntime
import Logging
import NIOConcurrencyHelpers
import ServiceClients
import TestSupport
import Testing

/// With a delivery queue, start-up checks that the loaded libcurl can sign AWS requests. A libcurl without SigV4
/// is an error in the log, not an init error (webhooks are still answered), and every would-be hand-off counts
/// as HandoffFailed.
@Suite struct HandoffWithoutSigningTests {
    @Test func debiansLibcurlCanSign() {
        #expect(AWSSigV4.isSupportedByLoadedLibcurl())
    }

    @Test func withoutSigningEveryHandoffFailsAndIsCounted() throws {
        let fullStory = try StandInServer { _, _ in .json(503, #"{"code":"unavailable"}"#) }
        defer { fullStory.shutdown() }
        // Nothing listens on the queue's port: had anything been sent, it would fail differently.
        let configuration = try FunctionConfiguration(environment: [
            "FULLSTORY_API_KEY": "na1.key-value", "INTERCOM_CLIENT_SECRET": SignedEvents.testSecret,
            "FULLSTORY_API_URL": fullStory.baseURL, "DELIVERY_QUEUE_URL": "http://127.0.0.1:\(freeLoopbackPort())/123456789012/q",
            "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret-access-key", "AWS_REGION": "us-east-1",
        ])
        let lines = NIOLockedValueBox<[String]>([])
        let logger = Logger(label: "test") { label in
            LambdaLogHandler(label: label, environment: { ["AWS_LAMBDA_LOG_FORMAT": "JSON"][$0] }) { bytes in
                lines.withLockedValue { $0.append(String(decoding: bytes, as: UTF8.self)) }
            }
        }
        var asked = 0
        let function = try WebhookFunction(configuration: configuration, logger: logger) {
            asked += 1
            return false
        }
        #expect(asked == 1)
        #expect(lines.withLockedValue { $0 }.contains { $0.contains("cannot sign AWS requests") && $0.contains(#""level":"ERROR""#) })

        let body = readFile(repositoryRoot + "/events/bodies/closed.json")
        let context = LambdaContext(requestID: "req-1", deadlineEpochMilliseconds: nil)
        let result = function.invoke(SignedEvents.restAPI(body: Array(body.utf8)), context: context).result
        #expect(result.reply.response.statusCode == 503, "Intercom retries it")
        #expect(result.report?.attempts == FullStoryClient.retryPolicy.maximumAttempts, "the tries of a webhook without a queue")
        #expect(result.handoffFailure == .signingUnavailable)
        #expect(InvocationMetrics(webhook: result)[.handoffFailed] == 1)
        #expect(InvocationMetrics(webhook: result)[.queued] == 0)
    }

    @Test func withoutAQueueSigningIsNotAsked() throws {
        let configuration = try FunctionConfiguration(environment: [
            "FULLSTORY_API_KEY": "na1.key-value", "INTERCOM_CLIENT_SECRET": SignedEvents.testSecret,
        ])
        var asked = 0
        _ = try WebhookFunction(configuration: configuration, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }) {
            asked += 1
            return false
        }
        #expect(asked == 0)
    }
}
