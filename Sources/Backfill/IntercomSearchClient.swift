import CurlHTTP
import FlatJSON
import IntercomFullStory
import IntercomFullStoryFunction
import LambdaRuntime

/// Reads conversations from Intercom's search, a page at a time, within Intercom's rate limits: it waits for
/// `X-RateLimit-Reset` when the window's calls run out, and retries 429 and 5xx answers with backoff, a bounded
/// number of times.
final class IntercomSearchClient {
    enum Failure: Error, CustomStringConvertible {
        case tokenRefused(status: Int)
        case failed(String)

        var description: String {
            switch self {
            case .tokenRefused(let status):
                "Intercom refused INTERCOM_ACCESS_TOKEN (\(status)): check the token and that its app may read conversations"
            case .failed(let detail): detail
            }
        }
    }

    static let maximumRetries = 6
    /// Longest wait for a rate-limit window to reset.
    static let longestWaitMilliseconds = 60_000

    private let baseURL: String
    private let authorization: String
    private let http: HTTPClient
    private let sleep: (Int) -> Void
    private let note: (String) -> Void
    /// Requests made, retries included (for the summary).
    private(set) var requests = 0

    init(baseURL: String, token: String, http: HTTPClient, sleep: @escaping (Int) -> Void = LambdaClock.sleep, note: @escaping (String) -> Void) {
        self.baseURL = baseURL
        authorization = "Bearer " + token
        self.http = http
        self.sleep = sleep
        self.note = note
    }

    /// The workspace's id (`GET /me`, `app.id_code`); it also proves the token before anything else happens.
    func workspaceID() throws(Failure) -> String? {
        let body = try call(HTTPRequest(method: "GET", url: baseURL + "/me", headers: headers, totalTimeoutMilliseconds: 30_000))
        return (try? JSONDocument(parsing: body))?.root["app", "id_code"]?.string
    }

    func page(window: BackfillWindow, startingAfter cursor: String?) throws(Failure) -> ConversationSearch.Page {
        let body = try call(HTTPRequest(
            method: "POST", url: baseURL + "/conversations/search", headers: headers + [("Content-Type", "application/json")],
            body: ConversationSearch.requestBody(window: window, startingAfter: cursor), totalTimeoutMilliseconds: 60_000,
            maximumResponseSize: 64 << 20))
        guard let page = ConversationSearch.Page(body) else {
            throw .failed("Intercom's search answer is not a conversation list")
        }
        return page
    }

    private var headers: [(name: String, value: String)] {
        [("Authorization", authorization), ("Accept", "application/json"), ("Intercom-Version", IntercomContactClient.apiVersion)]
    }

    private func call(_ request: HTTPRequest) throws(Failure) -> [UInt8] {
        var attempt = 0
        while true {
            attempt += 1
            requests += 1
            let response: HTTPResponse
            do {
                response = try http.perform(request)
            } catch {
                guard attempt <= Self.maximumRetries else { throw .failed("Intercom unreachable: \(error)") }
                backOff(attempt, "Intercom unreachable (\(error))")
                continue
            }
            switch response.status {
            case 200..<300:
                waitIfTheWindowIsSpent(response)
                return response.body
            case 401, 403:
                throw .tokenRefused(status: response.status)
            case 429:
                guard attempt <= Self.maximumRetries else { throw .failed("Intercom kept answering 429 (rate limit)") }
                if let wait = Self.millisecondsUntilReset(response) {
                    note("Intercom rate limit reached; waiting \(wait / 1000 + 1) s for its window to reset")
                    sleep(min(wait, Self.longestWaitMilliseconds))
                } else {
                    backOff(attempt, "Intercom answered 429")
                }
            case 500...599:
                guard attempt <= Self.maximumRetries else { throw .failed("Intercom kept answering \(response.status)") }
                backOff(attempt, "Intercom answered \(response.status)")
            default:
                let code = (try? JSONDocument(parsing: response.body))?.root["errors"]?.elements.first { _ in true }?["code"]?.string
                throw .failed("Intercom answered \(response.status)\(code.map { " (\($0))" } ?? "") to \(request.method) \(request.url)")
            }
        }
    }

    /// 1, 2, 4… seconds, capped at 30.
    private func backOff(_ attempt: Int, _ reason: String) {
        let wait = min(30_000, 1000 << min(attempt - 1, 5))
        note("\(reason); retrying in \(wait / 1000) s")
        sleep(wait)
    }

    /// With one call or none left in the rate-limit window, the next would be refused: wait for the reset.
    private func waitIfTheWindowIsSpent(_ response: HTTPResponse) {
        guard let remaining = response.header("X-RateLimit-Remaining").flatMap({ Int($0) }), remaining <= 1,
            let wait = Self.millisecondsUntilReset(response), wait > 0
        else { return }
        note("Intercom rate limit nearly spent; waiting \(wait / 1000 + 1) s for its window to reset")
        sleep(min(wait, Self.longestWaitMilliseconds))
    }

    /// `X-RateLimit-Reset` is a Unix time in seconds.
    static func millisecondsUntilReset(_ response: HTTPResponse) -> Int? {
        guard let reset = response.header("X-RateLimit-Reset").flatMap({ Int64($0) }) else { return nil }
        return Int(max(0, reset * 1000 - LambdaClock.epochMilliseconds()))
    }
}
