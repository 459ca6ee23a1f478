@testable import Backfill
import CurlHTTP
import IntercomFullStory
import TestSupport
import Testing

/// The batch importer in process, against the FullStory stand-in, on a stepped clock: its polls wait on the
/// importer's clock (an hour's interval is a recorded sleep, not an hour), and a job ends as the stand-in says.
@Suite struct BatchImporterTests {
    static func events() throws -> [FullStoryEvent] {
        let body = readFile(repositoryRoot + "/Tests/Fixtures/messages/closed.v2.json").trimmingASCIIWhitespace()
        guard case .delivery(let message) = try QueuedMessage.decode(body).get(), case .fullStory(let event) = message.request else {
            throw Unexpected()
        }
        return [event]
    }

    struct Unexpected: Error {}

    // An hour's interval on the real clock would be an hour: the limit makes that a failure, not a hang.
    @Test(.timeLimit(.minutes(1))) func aJobIsPolledOnTheImportersClockUntilItEnds() throws {
        let fullStory = try FullStoryStandIn()
        defer { fullStory.shutdown() }
        let time = SteppedTime(frozen: true)
        let importer = BatchImporter(
            baseURL: fullStory.baseURL, apiKey: "na1.key", http: try HTTPClient(options: .init(userAgent: "t")),
            pollMilliseconds: 3_600_000, time: time.source, note: { _ in })
        let job = try importer.create(try Self.events())
        let finished = try #require(try importer.wait(for: job.id, shouldStop: { false }))
        #expect(finished.status == "COMPLETED" && finished.imports == 1 && finished.errors == 0)
        #expect(time.sleeps == [3_600_000], "one poll found it PROCESSING; the next found it COMPLETED")
        #expect(fullStory.recorded.map(\.viaBatch) == [true])
    }
}
