import CurlHTTP
import Testing

@Suite struct HTTPResponseHeaderTests {
    private static func response(_ lines: String) -> HTTPResponse {
        HTTPResponse(status: 200, headerBlock: Array(lines.utf8), body: [])
    }

    @Test func findsAHeaderWithoutRegardToCase() {
        let response = Self.response("Content-Type: application/json\r\nRetry-After: 7\r\n\r\n")
        #expect(response.header("retry-after") == "7")
        #expect(response.header("RETRY-AFTER") == "7")
        #expect(response.header("Content-Type") == "application/json")
    }

    @Test func trimsSpacesTabsAndLineEnds() {
        #expect(Self.response("X-A:\t  spaced value \t\r\n").header("x-a") == "spaced value")
        #expect(Self.response("X-A:value").header("x-a") == "value")
        #expect(Self.response("X-A:\r\n").header("x-a") == "")
    }

    @Test func matchesWholeNamesOnly() {
        let response = Self.response("Retry-After-Seconds: 9\r\nX-Retry-After: 8\r\n")
        #expect(response.header("Retry-After") == nil)
        #expect(response.header("Retry") == nil)
        #expect(response.header("X-Retry-After") == "8")
    }

    @Test func returnsTheFirstOfRepeatedHeaders() {
        #expect(Self.response("Set: one\r\nSet: two\r\n").header("set") == "one")
    }

    @Test func answersNilForAnAbsentHeaderOrAnEmptyBlock() {
        #expect(Self.response("A: 1\r\n\r\n").header("B") == nil)
        #expect(Self.response("").header("A") == nil)
        #expect(Self.response("no colon here\r\n").header("no colon here") == nil)
    }
}
