import CurlHTTP
import IntercomFullStory
import ServiceClients
import SystemClock

/// Sends events one Create Event request each (`POST /v2/events`), several at once, each with its key:
/// 429, 5xx and transport failures are retried with backoff (or `Retry-After`) a bounded number of times, and a
/// full session gets the unlinked variant, as on the webhook path.
final class CreateEventSender {
    enum Result: Sendable {
        case sent(key: String)
        case refused(key: String, status: Int, code: String?)
        /// Still unavailable after every retry: the next run with the same state tries again.
        case failed(key: String, reason: String)
    }

    struct CredentialsRefused: Error, CustomStringConvertible {
        let status: Int
        var description: String { "FullStory refused FULLSTORY_API_KEY or FULLSTORY_API_URL (\(status)); nothing more was sent" }
    }

    static let concurrency = 10
    /// Six attempts, 0.5 s to 8 s apart (or FullStory's `Retry-After`, up to ten minutes): a backfill can wait.
    static let retryPolicy = RetryPolicy(
        maximumAttempts: 6, baseMilliseconds: 500, capMilliseconds: 16_000, longestRetryAfterMilliseconds: 600_000)

    private let endpoint: String
    private let api: FullStoryAPI
    private let client: ConcurrentHTTPClient

    init(baseURL: String, apiKey: String, options: HTTPClient.Options, time: TimeSource = .system) throws(HTTPClientError) {
        api = FullStoryAPI(baseURL: baseURL, apiKey: apiKey)
        endpoint = baseURL + "/v2/events"
        client = try ConcurrentHTTPClient(options: options, maximumConcurrent: Self.concurrency, time: time)
    }

    private func request(_ event: FullStoryEvent) -> HTTPRequest {
        HTTPRequest(
            method: "POST", url: endpoint,
            headers: api.headers(json: true) + [("Idempotency-Key", event.idempotencyKey)],
            body: event.body(), connectTimeoutMilliseconds: 5000, totalTimeoutMilliseconds: 30_000, maximumResponseSize: 64 * 1024)
    }

    /// Sends `events`; `onResult` is called for each as it ends (with the key of the event as given, also when
    /// its unlinked variant was what went through). Stops early when `shouldStop` says so, or when FullStory
    /// refuses our key (thrown after the transfers in flight end). Each event's attempts follow `RetryLoop.next`.
    func send(_ events: [FullStoryEvent], shouldStop: () -> Bool, onResult: (Result) -> Void) throws(CredentialsRefused) {
        var attempts = [Int](repeating: 0, count: events.count)
        var current = events
        var refusedCredentials: Int?
        var generator = SystemRandomNumberGenerator()
        client.run(events.map(request), shouldStop: { refusedCredentials != nil || shouldStop() }) { index, response in
            attempts[index] += 1
            let key = events[index].idempotencyKey
            let attempt: RetryLoop.Attempt<Result>
            switch response {
            case .success(let response):
                switch FullStoryReply.classify(status: response.status, body: response.body, retryAfter: response.header("Retry-After")) {
                case .accepted:
                    attempt = .finished(.sent(key: key))
                case .sessionFull where current[index].link != .unlinked:
                    // The unlinked variant is always sent once, whatever attempt this was (as on the webhook path).
                    current[index] = current[index].unlinked()
                    return .init(request: request(current[index]), afterMilliseconds: 0)
                case .sessionFull:
                    attempt = .finished(.refused(key: key, status: 400, code: "session_page_limit_exceeded"))
                case .rejected(let status, let code), .keyUsedWithAnotherBody(let status, let code):
                    attempt = .finished(.refused(key: key, status: status, code: code))
                case .refused(let status, _):
                    refusedCredentials = status
                    return nil
                case .retryable(let status, let retryAfter):
                    attempt = .failed(.failed(key: key, reason: "FullStory answered \(status)"), retryAfterMilliseconds: retryAfter.map { $0 * 1000 })
                }
            case .failure(let error):
                attempt = .failed(.failed(key: key, reason: "FullStory \(error)"), retryAfterMilliseconds: nil)
            }
            switch RetryLoop.next(after: attempt, number: attempts[index], policy: Self.retryPolicy, using: &generator) {
            case .done(let result):
                onResult(result)
                return nil
            case .again:
                return .init(request: request(current[index]), afterMilliseconds: 0)  // (the sender asks for none: see sessionFull)
            case .wait(let milliseconds, _):
                return .init(request: request(current[index]), afterMilliseconds: milliseconds)
            }
        }
        if let status = refusedCredentials { throw CredentialsRefused(status: status) }
    }
}
