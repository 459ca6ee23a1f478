import Budget
import CurlHTTP
import IntercomFullStoryFunction
import LambdaRuntime
import ServiceClients
import SystemClock
import TestSupport
import Testing

@Suite struct IntercomContactClientTests {
    func lookUp(_ reply: StandInServer.Reply, contactID: String = "696205460674dbb9050aa7fd") throws
        -> (Result<String?, LookupError>, [StandInServer.Request])
    {
        let server = try StandInServer { _, _ in reply }
        defer { server.shutdown() }
        let client = IntercomContactClient(
            baseURL: server.baseURL, accessToken: "intercom-token", http: try HTTPClient(options: .init(userAgent: "t")))
        let budget = TimeBudget(
            startNanoseconds: SystemClock.monotonicNanoseconds(), allowanceMilliseconds: 5000, context: LambdaContext(requestID: "t", deadlineEpochMilliseconds: nil),
            time: .system)
        let result = Result { () throws(LookupError) in
            try client.sessionAttribute(contactID: contactID, attribute: "fs_session_id", budget: budget)
        }
        return (result, server.requests)
    }

    @Test func readsTheAttributeWithTheDocumentedRequest() throws {
        let (result, requests) = try lookUp(.json(200, #"{"type":"contact","custom_attributes":{"fs_session_id":"1:2"}}"#))
        #expect(try result.get() == "1:2")
        let request = try #require(requests.first)
        #expect(request.uri == "/contacts/696205460674dbb9050aa7fd")
        #expect(request.header("Authorization") == "Bearer intercom-token")
        #expect(request.header("Accept") == "application/json")
        #expect(request.header("Intercom-Version") == "2.14")
    }

    @Test func contactIDsAreEncodedInThePath() throws {
        let (_, requests) = try lookUp(.json(200, "{}"), contactID: "a/../b c~é")
        #expect(requests.first?.uri == "/contacts/a%2F..%2Fb%20c~%C3%A9")
    }

    @Test(arguments: [404, 429, 500])
    func failuresAreReported(_ status: Int) throws {
        let (result, _) = try lookUp(.json(status, "{}"))
        #expect(throws: LookupError.status(status)) { try result.get() }
    }

    @Test func slowLookupsTimeOut() throws {
        let (result, _) = try lookUp(.delayed(milliseconds: 5000, .init(.json(200, "{}"))))
        #expect(throws: LookupError.transport(.timedOut)) { try result.get() }
    }
}
