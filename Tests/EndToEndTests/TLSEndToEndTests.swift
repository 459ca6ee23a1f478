import AWSSQS
import FlatJSON
import IntercomFullStory
import Synchronization
import TestSupport
import Testing

/// FullStory, Intercom and SQS over HTTPS, as in production: the real bootstrap under the emulator trusts a test
/// authority through SSL_CERT_FILE (the variable Lambda's functions use too). Warm invocations reuse the TLS
/// connection; a certificate nobody vouches for is refused, and the event is queued, not lost.
@Suite(.serialized) struct TLSEndToEndTests {
    static func closedWebhook(_ number: Int) -> [UInt8] {
        let body = readFile(repositoryRoot + "/events/bodies/closed.json")
            .replacingFirst("notif_0c9a7a1e-5b1d-4c53-9f0e-3f8d2a6b7c41", with: "notif_tls-\(number)")
        return SignedEvents.restAPI(body: Array(body.utf8))
    }

    @Test func everyPeerOverHTTPSWithWarmConnectionsReused() throws {
        let certificates = try TestCertificates.make()
        let sqs = try LocalSQS.startTLS()
        let queues = try sqs.makeQueues("tls")
        #expect(queues.delivery.url.hasPrefix("https://"))
        let fullStoryUp = Mutex(true)
        var environment = sqs.functionEnvironment(queue: queues.delivery)
        environment["SSL_CERT_FILE"] = certificates.authorityPath
        let rig = try EndToEndTests.rig(
            fullStory: { _, _ in fullStoryUp.withLock { $0 } ? .json(200, "{}") : .json(503, #"{"code":"unavailable"}"#) },
            environment: environment, fullStoryTLS: certificates.trusted, intercomTLS: certificates.trusted)
        defer { rig.shutdown() }
        #expect(rig.fullStory.baseURL.hasPrefix("https://"))
        for number in 0..<3 {
            let (response, _) = try rig.emulator.invoke(Self.closedWebhook(number))
            #expect(response.bodyJSON?["status"]?.string == "delivered", "\(response.bodyJSON?["reason"]?.string ?? "")")
        }
        #expect(rig.fullStory.requests.count == 3)
        #expect(rig.intercom.requests.count == 3, "the contact lookup over HTTPS")
        // One TLS handshake each for three invocations: the connection outlives the invocation.
        #expect(rig.fullStory.connectionCount == 1)
        #expect(rig.intercom.connectionCount == 1)

        fullStoryUp.withLock { $0 = false }
        let (queued, _) = try rig.emulator.invoke(Self.closedWebhook(3))
        #expect(queued.bodyJSON?["status"]?.string == "queued")
        #expect(try sqs.count(queues.delivery).visible == 1, "SendMessage over HTTPS, signed")
    }

    @Test func anUntrustedCertificateIsRefusedAndTheEventQueued() throws {
        let certificates = try TestCertificates.make()
        let sqs = try LocalSQS.startTLS()
        let queues = try sqs.makeQueues("tls-untrusted")
        var environment = sqs.functionEnvironment(queue: queues.delivery)
        environment["SSL_CERT_FILE"] = certificates.authorityPath
        let rig = try EndToEndTests.rig(
            environment: environment, fullStoryTLS: certificates.untrusted, intercomTLS: certificates.trusted)
        defer { rig.shutdown() }
        let (response, _) = try rig.emulator.invoke(Self.closedWebhook(1))
        #expect(response.statusCode == 200)
        #expect(response.bodyJSON?["status"]?.string == "queued")
        #expect(rig.fullStory.requests.isEmpty, "no request crossed an unverified connection")
        let message = try #require(try sqs.client().receiveMessages(queue: queues.delivery, maximum: 10).first)
        #expect(try JSONDocument(parsing: message.body).root["reason"]?.string == "fullstory_unavailable")
        let output = rig.shutdown()
        #expect(output.contains("FullStory unavailable; the event is queued for redelivery"))
    }
}
