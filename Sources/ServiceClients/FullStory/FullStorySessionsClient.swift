import Budget
import CurlHTTP
import IntercomFullStory

/// FullStory's List Sessions (`GET /sessions/v2?uid=…&limit=1`): the user's newest session, for pinning a
/// conversation whose contact carries none. A Standard key may call it.
public final class FullStorySessionsClient {
    private let api: FullStoryAPI
    private let http: HTTPClient

    /// - Parameter http: FullStory's connection, shared with the events client (one handshake for both).
    public init(baseURL: String, apiKey: String, http: HTTPClient) {
        api = FullStoryAPI(baseURL: baseURL, apiKey: apiKey)
        self.http = http
    }

    /// The newest session FullStory lists for `uid` (`nil`: none), within `budget`.
    public func newestSession(uid: String, budget: TimeBudget) throws(LookupError) -> ListedSession? {
        guard let timeout = budget.timeout(cappedAt: TimeBudget.contactLookupMilliseconds) else { throw .noTime }
        let response = try list(uid: uid, limit: 1, timeoutMilliseconds: timeout)
        guard response.status == 200 else { throw .status(response.status) }
        return ListedSession.newest(inListSessionsJSON: response.body)
    }

    /// The raw answer (the set-up command's key check reads its status).
    public func list(uid: String, limit: Int, timeoutMilliseconds: Int) throws(LookupError) -> HTTPResponse {
        do {
            return try http.perform(api.listSessions(uid: uid, limit: limit, timeoutMilliseconds: timeoutMilliseconds))
        } catch {
            throw .transport(error)
        }
    }
}
