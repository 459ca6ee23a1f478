import ASCIIText
import CurlHTTP

/// FullStory's server API as every client calls it (events, List Sessions, the backfill's sender and importer): the
/// base URL of the account's region and the key, sent as `Authorization: Basic <key>` (the raw key, no base64).
public struct FullStoryAPI: Sendable {
    public let baseURL: String
    private let authorization: String

    public init(baseURL: String, apiKey: String) {
        self.baseURL = baseURL
        authorization = "Basic " + apiKey
    }

    /// `Authorization` and `Accept`; with `json`, `Content-Type` for a JSON body too.
    public func headers(json: Bool = false) -> [(name: String, value: String)] {
        json
            ? [("Authorization", authorization), ("Content-Type", "application/json"), ("Accept", "application/json")]
            : [("Authorization", authorization), ("Accept", "application/json")]
    }

    /// List Sessions (`GET /sessions/v2?uid=…&limit=…`): the user's sessions, newest first. A Standard key may call it.
    public func listSessions(uid: String, limit: Int, timeoutMilliseconds: Int) -> HTTPRequest {
        HTTPRequest(
            method: "GET", url: baseURL + "/sessions/v2?uid=" + PercentEncoding.encoded(uid) + "&limit=\(limit)", headers: headers(),
            timeoutMilliseconds: timeoutMilliseconds, maximumResponseSize: 256 * 1024)
    }
}
