import CurlHTTP
import IntercomFullStory
import ServiceClients
import TestSupport
import Testing

/// Intercom's search client on a stepped clock: what it waits, not how long a machine took.
@Suite struct IntercomSearchClientTests {
    /// The client against `intercom`, on a stepped clock, noting what it says; and a window to search.
    struct Rig {
        let time = SteppedTime()
        let notes = NoteLog()
        let search: IntercomSearchClient
        let window: BackfillWindow

        init(_ intercom: IntercomSearchStandIn) throws {
            search = IntercomSearchClient(
                baseURL: intercom.baseURL, token: IntercomSearchStandIn.token,
                http: try HTTPClient(options: HTTPClient.Options(disableProxies: true, userAgent: "intercom-fullstory-tests")),
                time: time.source, note: { [notes] in notes.append($0) })
            window = try BackfillWindow(since: 1_764_547_200, until: 1_764_633_600)
        }
    }

    final class NoteLog {
        var lines: [String] = []
        func append(_ line: String) { lines.append(line) }
    }

    @Test func aSpentWindowIsWaitedOutBeforeTheNextSearchAndNotAfterTheLast() throws {
        let intercom = try IntercomSearchStandIn(conversations: [], spentWindows: [1: 5])
        defer { intercom.shutdown() }
        let rig = try Rig(intercom)
        let (time, notes, search, window) = (rig.time, rig.notes, rig.search, rig.window)

        _ = try search.page(window: window, startingAfter: nil)
        #expect(time.sleeps.isEmpty, "no wait after an answer: the next request may never come")

        _ = try search.page(window: window, startingAfter: nil)
        let waits = time.sleeps
        #expect(waits.count == 1)
        // The reset is 5 s after the answer, in whole seconds: at most 5 s to wait (less as real time passes).
        #expect(waits.allSatisfy { (1...5_000).contains($0) }, "\(waits)")
        #expect(notes.lines.contains { $0.hasPrefix("Intercom rate limit nearly spent; waiting") })

        _ = try search.page(window: window, startingAfter: nil)
        #expect(time.sleeps.count == 1, "a window not spent is not waited for")
        #expect(intercom.requestCount == 3 && search.requests == 3)
    }

    @Test func aRetryAfterASpentWindowWaitsForTheWindowOnceThenBacksOff() throws {
        let intercom = try IntercomSearchStandIn(conversations: [], failures: [2: .serverError], spentWindows: [1: 5])
        defer { intercom.shutdown() }
        let rig = try Rig(intercom)
        let (time, notes, search, window) = (rig.time, rig.notes, rig.search, rig.window)

        _ = try search.page(window: window, startingAfter: nil)
        _ = try search.page(window: window, startingAfter: nil)
        let waits = time.sleeps
        // The window's wait before the second request, then the first backoff (1 s, no jitter) after its 500.
        #expect(waits.count == 2, "\(waits)")
        #expect(waits.first.map { (1...5_000).contains($0) } == true, "\(waits)")
        #expect(waits.last == IntercomSearchClient.retryPolicy.baseMilliseconds)
        #expect(notes.lines.filter { $0.hasPrefix("Intercom rate limit nearly spent") }.count == 1)
        #expect(intercom.requestCount == 3)
    }
}
