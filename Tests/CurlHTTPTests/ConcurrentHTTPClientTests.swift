import CurlHTTP
import Synchronization
import TestSupport
import Testing

/// Several requests at once over libcurl's multi interface, against a loopback stand-in.
@Suite struct ConcurrentHTTPClientTests {
    static let options = HTTPClient.Options(userAgent: "intercom-fullstory-tests")

    final class Tally: Sendable {
        let open = Mutex(0)
        let most = Mutex(0)
    }

    @Test func everyRequestCompletesWithinTheConcurrencyLimit() throws {
        let tally = Tally()
        let server = try StandInServer { _, _ in
            let now = tally.open.withLock { $0 += 1; return $0 }
            tally.most.withLock { $0 = max($0, now) }
            return .delayed(milliseconds: 20, .init(.json(200, "{}")))
        }
        defer { server.shutdown() }
        let client = try ConcurrentHTTPClient(options: Self.options, maximumConcurrent: 4)
        let requests = (0..<40).map { index in
            HTTPRequest(method: "POST", url: server.baseURL + "/r/\(index)", body: Array("\(index)".utf8), totalTimeoutMilliseconds: 5000)
        }
        var completed: [Int] = []
        client.run(requests) { index, result in
            tally.open.withLock { $0 -= 1 }
            if case .success(let response) = result, response.status == 200 { completed.append(index) }
            return nil
        }
        #expect(completed.sorted() == Array(0..<40))
        #expect(tally.most.withLock { $0 } <= 4)
        #expect(Set(server.requests.map(\.bodyText)) == Set((0..<40).map { "\($0)" }), "each body sent as given")
    }

    @Test func aRetryIsMadeAfterItsPause() throws {
        let server = try StandInServer { request, _ in
            request.uri.hasSuffix("/second-try") ? .json(200, "{}") : .json(429, "{}", headers: [("Retry-After", "0")])
        }
        defer { server.shutdown() }
        let client = try ConcurrentHTTPClient(options: Self.options, maximumConcurrent: 2)
        var statuses: [Int: [Int]] = [:]
        client.run([HTTPRequest(method: "GET", url: server.baseURL + "/a"), HTTPRequest(method: "GET", url: server.baseURL + "/b")]) { index, result in
            guard case .success(let response) = result else { return nil }
            statuses[index, default: []].append(response.status)
            return response.status == 429
                ? .init(request: HTTPRequest(method: "GET", url: server.baseURL + "/second-try"), afterMilliseconds: 30) : nil
        }
        #expect(statuses == [0: [429, 200], 1: [429, 200]])
        let times = server.requests.map(\.receivedAt)
        #expect(server.requests.count == 4)
        #expect(times[2...].allSatisfy { $0 - times[0] >= 30_000_000 }, "retries wait for their pause")
    }

    /// The pause is on the client's clock: on a stepped one, an hour's pause is one recorded sleep, not an hour.
    @Test(.timeLimit(.minutes(1))) func aRetrysPauseIsOnTheClientsClock() throws {
        let server = try StandInServer { _, index in index == 0 ? .json(503, "{}") : .json(200, "{}") }
        defer { server.shutdown() }
        let time = SteppedTime(frozen: true)
        let client = try ConcurrentHTTPClient(options: Self.options, maximumConcurrent: 2, time: time.source)
        var statuses: [Int] = []
        client.run([HTTPRequest(method: "GET", url: server.baseURL)]) { _, result in
            guard case .success(let response) = result else { return nil }
            statuses.append(response.status)
            return response.status == 503 ? .init(request: HTTPRequest(method: "GET", url: server.baseURL), afterMilliseconds: 3_600_000) : nil
        }
        #expect(statuses == [503, 200])
        #expect(time.sleeps == [3_600_000])
    }

    @Test func transportFailuresAreReportedPerRequest() throws {
        let client = try ConcurrentHTTPClient(options: Self.options, maximumConcurrent: 3)
        var failures = 0
        let closed = "http://127.0.0.1:\(freeLoopbackPort())/"
        client.run((0..<3).map { _ in HTTPRequest(method: "GET", url: closed, totalTimeoutMilliseconds: 2000) }) { _, result in
            if case .failure(.couldNotConnect) = result { failures += 1 }
            return nil
        }
        #expect(failures == 3)
    }

    @Test func stoppingLeavesTheRestUnmade() throws {
        let server = try StandInServer { _, _ in .json(200, "{}") }
        defer { server.shutdown() }
        let client = try ConcurrentHTTPClient(options: Self.options, maximumConcurrent: 1)
        var done = 0
        client.run((0..<10).map { _ in HTTPRequest(method: "GET", url: server.baseURL) }, shouldStop: { done >= 3 }) { _, _ in
            done += 1
            return nil
        }
        #expect(done == 3)
        #expect(server.requests.count == 3)
    }
}
