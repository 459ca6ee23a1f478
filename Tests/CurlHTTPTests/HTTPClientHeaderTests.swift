import CurlHTTP
import Testing
import TestSupport

/// Response headers read through libcurl from a loopback server.
@Suite struct HTTPClientHeaderTests {
    @Test func readsTheHeadersOfTheFinalResponse() throws {
        let server = try StandInServer { _, _ in
            .json(429, "{}", headers: [("Retry-After", "3"), ("X-Request-Id", "abc")])
        }
        defer { server.shutdown() }
        let client = try HTTPClient(options: .init(disableProxies: true, userAgent: "test"))

        let response = try client.perform(HTTPRequest(method: "POST", url: server.baseURL + "/", body: Array("{}".utf8)))

        #expect(response.status == 429)
        #expect(response.header("retry-after") == "3")
        #expect(response.header("X-Request-ID") == "abc")
        #expect(response.header("Missing") == nil)
    }

    @Test func startsEachRequestWithNoHeadersOfThePreviousOne() throws {
        let server = try StandInServer { _, index in
            index == 0 ? .json(200, "{}", headers: [("X-Only-First", "yes")]) : .json(200, "{}")
        }
        defer { server.shutdown() }
        let client = try HTTPClient(options: .init(disableProxies: true, userAgent: "test"))

        let first = try client.perform(HTTPRequest(method: "GET", url: server.baseURL + "/"))
        let second = try client.perform(HTTPRequest(method: "GET", url: server.baseURL + "/"))

        #expect(first.header("X-Only-First") == "yes")
        #expect(second.header("X-Only-First") == nil)
    }
}
