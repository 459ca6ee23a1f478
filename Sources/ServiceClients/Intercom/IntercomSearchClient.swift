import CurlHTTP
import FlatJSON
import IntercomFullStory
import SystemClock

/// Reads conversations from Intercom's search (for the backfill), a page at a time, within Intercom's rate limits:
/// when an answer says the window's calls are spent, the next request waits for `X-RateLimit-Reset` first; 429 and
/// 5xx answers are retried with backoff, a bounded number of times. Every wait is on its `TimeSource`, inside the
/// attempt loop.
public final class IntercomSearchClient {
    public enum Failure: Error, CustomStringConvertible {
        case tokenRefused(status: Int)
        case failed(String)

        public var description: String {
            switch self {
            case .tokenRefused(let status):
                "Intercom refused INTERCOM_ACCESS_TOKEN (\(status)): check the token and that its app may read conversations"
            case .failed(let detail): detail
            }
        }
    }

    /// Seven attempts, 1, 2, 4… up to 30 s apart; a 429 waits for the rate-limit window's reset instead (at most
    /// a minute).
    public static let retryPolicy = RetryPolicy(
        maximumAttempts: 7, baseMilliseconds: 1000, capMilliseconds: 30_000, jitter: false, retryAfter: .insteadOfBackoff,
        longestRetryAfterMilliseconds: 60_000)

    private let api: IntercomAPI
    private let http: HTTPClient
    private let time: TimeSource
    private let note: (String) -> Void
    /// Requests made, retries included.
    public private(set) var requests = 0
    /// When the last answer spent the rate-limit window: the epoch millisecond of its reset, before which the next
    /// request would only be refused.
    private var windowResetsAt: Int64?

    public init(baseURL: String, token: String, http: HTTPClient, time: TimeSource = .system, note: @escaping (String) -> Void) {
        api = IntercomAPI(baseURL: baseURL, accessToken: token, http: http)
        self.http = http
        self.time = time
        self.note = note
    }

    /// The workspace's id (`GET /me`, `app.id_code`); it also proves the token before anything else happens.
    public func workspaceID() throws(Failure) -> String? {
        let body = try call(HTTPRequest(method: "GET", url: api.baseURL + "/me", headers: api.headers(), totalTimeoutMilliseconds: 30_000))
        return (try? JSONDocument(parsing: body))?.root["app", "id_code"]?.string
    }

    public func page(window: BackfillWindow, startingAfter cursor: String?) throws(Failure) -> ConversationSearch.Page {
        let body = try call(HTTPRequest(
            method: "POST", url: api.baseURL + "/conversations/search", headers: api.headers(json: true),
            body: ConversationSearch.requestBody(window: window, startingAfter: cursor), totalTimeoutMilliseconds: 60_000,
            maximumResponseSize: 64 << 20))
        guard let page = ConversationSearch.Page(body) else {
            throw .failed("Intercom's search answer is not a conversation list")
        }
        return page
    }

    private func call(_ request: HTTPRequest) throws(Failure) -> [UInt8] {
        let last: Result<HTTPResponse, HTTPClientError> = try RetryLoop.run(
            Self.retryPolicy, time: time,
            willWait: { outcome, wait in
                switch outcome {
                case .failure(let error): note("Intercom unreachable (\(error)); retrying in \(wait / 1000) s")
                case .success(let response) where response.status == 429 && Self.millisecondsUntilReset(response, time) != nil:
                    note("Intercom rate limit reached; waiting \(wait / 1000 + 1) s for its window to reset")
                case .success(let response): note("Intercom answered \(response.status); retrying in \(wait / 1000) s")
                }
            }
        ) { _ throws(Failure) in
            waitForTheWindowIfSpent()
            requests += 1
            let response: HTTPResponse
            do throws(HTTPClientError) {
                response = try http.perform(request)
            } catch {
                return .failed(.failure(error), retryAfterMilliseconds: nil)
            }
            switch response.status {
            case 200..<300:
                return .finished(.success(response))
            case 401, 403:
                throw .tokenRefused(status: response.status)
            case 429:
                return .failed(.success(response), retryAfterMilliseconds: Self.millisecondsUntilReset(response, time))
            case 500...599:
                return .failed(.success(response), retryAfterMilliseconds: nil)
            default:
                let code = IntercomRefusal.errorCode(response.body)
                throw .failed("Intercom answered \(response.status)\(code.map { " (\($0))" } ?? "") to \(request.method) \(request.url)")
            }
        }
        switch last {
        case .failure(let error):
            throw .failed("Intercom unreachable: \(error)")
        case .success(let response) where (200..<300).contains(response.status):
            noteTheWindowIfSpent(response)
            return response.body
        case .success(let response):
            throw .failed(response.status == 429 ? "Intercom kept answering 429 (rate limit)" : "Intercom kept answering \(response.status)")
        }
    }

    /// With one call or none left in the rate-limit window, the next would be refused: it waits for the reset (no
    /// wait after the last page).
    private func noteTheWindowIfSpent(_ response: HTTPResponse) {
        guard let remaining = response.header("X-RateLimit-Remaining").flatMap({ Int($0) }), remaining <= 1,
            let wait = Self.millisecondsUntilReset(response, time), wait > 0
        else { return }
        windowResetsAt = time.epochMilliseconds() + Int64(min(wait, Self.retryPolicy.longestRetryAfterMilliseconds ?? wait))
    }

    private func waitForTheWindowIfSpent() {
        guard let resetsAt = windowResetsAt else { return }
        windowResetsAt = nil
        // Capped again: the epoch clock may have stepped back since the answer.
        let wait = min(Int(max(0, resetsAt - time.epochMilliseconds())), Self.retryPolicy.longestRetryAfterMilliseconds ?? Int.max)
        guard wait > 0 else { return }
        note("Intercom rate limit nearly spent; waiting \(wait / 1000 + 1) s for its window to reset")
        time.sleep(wait)
    }

    /// `X-RateLimit-Reset` is a Unix time in seconds.
    private static func millisecondsUntilReset(_ response: HTTPResponse, _ time: TimeSource) -> Int? {
        // A Unix time in seconds; anything past a day from now is cut there (no overflow, no endless wait).
        guard let reset = response.header("X-RateLimit-Reset").flatMap({ Int64($0) }) else { return nil }
        let now = time.epochMilliseconds()
        let resetMilliseconds = min(max(reset, 0), now / 1000 + 86_400) * 1000
        return Int(max(0, resetMilliseconds - now))
    }
}
