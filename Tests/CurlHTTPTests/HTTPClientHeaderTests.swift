import ASCIIText
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

@Suite struct PercentEncodingTests {
    @Test func onlyUnreservedCharactersStayAsTheyAre() {
        #expect(PercentEncoding.encoded("696205460674dbb9050aa7fd") == "696205460674dbb9050aa7fd")
        #expect(PercentEncoding.encoded("a-b_c.d~e") == "a-b_c.d~e")
        #expect(PercentEncoding.encoded("../x?y=1&z#") == "..%2Fx%3Fy%3D1%26z%23")
        #expect(PercentEncoding.encoded("ü é") == "%C3%BC%20%C3%A9")
        #expect(PercentEncoding.encoded("WzE1MF0=") == "WzE1MF0%3D")
    }
}
