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
    }

    @Test func seedBodiesKeepTheirPromises() {
        for file in Fixtures.sampleFiles { WebhookFuzzing.signedBody(Fixtures.sample(file)) }
        for file in Fixtures.list(Fixtures.root + "/events/bodies", suffix: ".json") { WebhookFuzzing.signedBody(Fixtures.body(file)) }
    }

    @Test func crashesFoundByTheFuzzersStayFixed() {
        for file in Self.regressionFiles {
            let bytes = Fixtures.read(Fixtures.root + "/Tests/Fuzz/Regressions/" + file)
            if file.hasPrefix("fuzz-webhook-event") { WebhookFuzzing.event(bytes) } else { WebhookFuzzing.signedBody(bytes) }
        }
    }
}
