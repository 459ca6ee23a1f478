import CurlHTTP

/// Intercom's REST API as the function and the CLI call it: the base URL (region), the bearer token and the API
/// version every call pins (it overrides the app's own). One connection (`HTTPClient`) for all of them.
public struct IntercomAPI {
    /// The version of every call but one: creating a conversation attribute is documented only in `Unstable`.
    public static let version = "2.14"
    public static let unstableVersion = "Unstable"

    public let baseURL: String
    private let authorization: String
    private let http: HTTPClient

    public init(baseURL: String, accessToken: String, http: HTTPClient) {
        self.baseURL = baseURL
        authorization = "Bearer " + accessToken
        self.http = http
    }

    /// `Authorization`, `Accept` and `Intercom-Version`; with `json`, `Content-Type` for a JSON body too.
    public func headers(json: Bool = false, version: String = IntercomAPI.version) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [
            ("Authorization", authorization), ("Accept", "application/json"), ("Intercom-Version", version),
        ]
        if json { headers.append(("Content-Type", "application/json")) }
        return headers
    }

    /// One request; `path` starts with `/` and is already percent-encoded where it carries ids.
    public func perform(
        _ method: String, _ path: String, body: [UInt8]? = nil, version: String = IntercomAPI.version, timeoutMilliseconds: Int,
        maximumResponseSize: Int = 256 * 1024
    ) throws(HTTPClientError) -> HTTPResponse {
        try http.perform(
            HTTPRequest(
                method: method, url: baseURL + path, headers: headers(json: body != nil, version: version), body: body ?? [],
                timeoutMilliseconds: timeoutMilliseconds,
                maximumResponseSize: maximumResponseSize))
    }
}
