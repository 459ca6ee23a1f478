import IntercomFullStory
import Testing
import WebhookFuzzing

/// Replays what the fuzzers start from and every crash they ever found (Tests/Fuzz/Regressions) through the same
/// checks the fuzz targets make. A broken promise traps, failing the run.
@Suite struct FuzzRegressionTests {
    static var regressionFiles: [String] {
        Fixtures.list(Fixtures.root + "/Tests/Fuzz/Regressions", suffix: "").filter { !$0.hasPrefix(".") }
    }

    @Test func seedEventsKeepTheirPromises() {
        for file in Fixtures.eventFiles { WebhookFuzzing.event(Fixtures.event(file)) }
        for file in Fixtures.list(Fixtures.root + "/Tests/Fixtures/sqs", suffix: ".json") {
            WebhookFuzzing.event(Fixtures.read(Fixtures.root + "/Tests/Fixtures/sqs/" + file))
        }
    }

    @Test func seedMessagesKeepTheirPromises() {
        for file in Fixtures.list(Fixtures.root + "/Tests/Fixtures/messages", suffix: ".json") {
            WebhookFuzzing.deliveryMessage(Fixtures.read(Fixtures.root + "/Tests/Fixtures/messages/" + file))
        }
    }

    @Test func seedBodiesKeepTheirPromises() {
        for payload in Fixtures.payloads { WebhookFuzzing.signedBody(payload.bytes) }
        for file in Fixtures.list(Fixtures.root + "/events/bodies", suffix: ".json") { WebhookFuzzing.signedBody(Fixtures.body(file)) }
    }

    @Test func crashesFoundByTheFuzzersStayFixed() {
        for file in Self.regressionFiles {
            let bytes = Fixtures.read(Fixtures.root + "/Tests/Fuzz/Regressions/" + file)
            if file.hasPrefix("fuzz-webhook-event") {
                WebhookFuzzing.event(bytes)
            } else if file.hasPrefix("fuzz-delivery-message") {
                WebhookFuzzing.deliveryMessage(bytes)
            } else {
                WebhookFuzzing.signedBody(bytes)
            }
        }
    }
}
