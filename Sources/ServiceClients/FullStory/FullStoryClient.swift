import Budget
import CurlHTTP
import IntercomFullStory
import Logging
import SystemClock

/// Sends events to FullStory's Create Event endpoint (`POST /v2/events`), retrying what is worth retrying
/// within the delivery budget, always with the event's idempotency key.
public final class FullStoryClient {
    /// What happened, for the response and the invocation's log line.
    public struct Report: Sendable, Equatable {
        public var outcome: DeliveryOutcome
        public var attempts: Int
        public var lastStatus: Int?
        /// The events sent, in order (the unlinked variant follows a full session).
        public var sent: [FullStoryEvent]
        /// Time spent waiting for FullStory's answers (backoff sleeps excluded).
        public var fullStoryMilliseconds: Double = 0

        public init(outcome: DeliveryOutcome, attempts: Int, lastStatus: Int? = nil, sent: [FullStoryEvent]) {
            self.outcome = outcome
            self.attempts = attempts
            self.lastStatus = lastStatus
            self.sent = sent
        }
    }

    /// Up to four attempts, 100 ms to 1 s apart (or `Retry-After`), all within the delivery budget.
    public static let retryPolicy = RetryPolicy(maximumAttempts: 4, baseMilliseconds: 100, capMilliseconds: 1000)
    private let endpoint: String
    private let api: FullStoryAPI
    private let http: HTTPClient
    private let time: TimeSource

    public init(baseURL: String, apiKey: String, http: HTTPClient, time: TimeSource = .system) {
        api = FullStoryAPI(baseURL: baseURL, apiKey: apiKey)
        endpoint = baseURL + "/v2/events"
        self.http = http
        self.time = time
    }

    /// Sends `event` within `budget`. With `retrying` false, a 429, 5xx or transport failure ends the delivery at
    /// once (redelivery: the queue retries later); the unlinked resend after a full session is still made. With
    /// `isReplay` (Intercom's retry of the webhook, or a key shared by design: a reply's part), FullStory's refusal of
    /// the key with another body means an earlier delivery recorded the event: delivered. Otherwise that answer is a
    /// refusal like any other.
    public func deliver(_ event: FullStoryEvent, budget: TimeBudget, logger: Logger, retrying: Bool = true, isReplay: Bool = false)
        -> Report
    {
        var current = event
        var body = event.body()  // retries send the same bytes; only the unlinked variant has its own
        var report = Report(outcome: .unavailable(reason: "no attempt fitted in the time budget"), attempts: 0, sent: [])
        var sentUnlinked = false
        return budget.attempts(
            Self.retryPolicy, retrying: retrying, cappedAt: TimeBudget.fullStoryAttemptMilliseconds, current: { report }
        ) { timeout in
            report.attempts += 1
            report.sent.append(current)
            let reply: FullStoryReply
            let requestStart = time.monotonicNanoseconds()
            do {
                defer { report.fullStoryMilliseconds += Double(time.monotonicNanoseconds() - requestStart) / 1_000_000 }
                let response = try http.perform(
                    HTTPRequest(
                        method: "POST", url: endpoint,
                        headers: api.headers(json: true) + [("Idempotency-Key", current.idempotencyKey)],
                        body: body, timeoutMilliseconds: timeout, maximumResponseSize: 64 * 1024))
                report.lastStatus = response.status
                reply = FullStoryReply.classify(
                    status: response.status, body: response.body, retryAfter: response.header("Retry-After"))
            } catch {
                logger.warning(
                    "FullStory request failed",
                    metadata: ["attempt": "\(report.attempts)", "error": "\(error)", "idempotencyKey": "\(current.idempotencyKey)"])
                report.outcome = .unavailable(reason: "FullStory \(error)")
                return .failed(report, retryAfterMilliseconds: nil)
            }
            switch reply {
            case .accepted:
                report.outcome = .delivered(current)
                return .finished(report)
            case .keyUsedWithAnotherBody where isReplay:
                // An earlier attempt of this webhook recorded the event, on the session it found then.
                logger.warning(
                    "FullStory already recorded an event under this key with another body (an earlier attempt of this webhook, or another notification of this reply); counted as delivered",
                    metadata: ["idempotencyKey": "\(current.idempotencyKey)"])
                report.outcome = .delivered(current)
                return .finished(report)
            case .keyUsedWithAnotherBody(let status, let code):
                report.outcome = .rejected(status: status, code: code)
                return .finished(report)
            case .sessionFull where !sentUnlinked:
                logger.warning("FullStory session is full; sending the event without it", metadata: ["idempotencyKey": "\(current.idempotencyKey)"])
                sentUnlinked = true
                current = current.unlinked()
                body = current.body()
                return .again(report)
            case .sessionFull:
                report.outcome = .rejected(status: 400, code: "session_page_limit_exceeded")
                return .finished(report)
            case .rejected(let status, let code):
                report.outcome = .rejected(status: status, code: code)
                return .finished(report)
            case .refused(let status, _):
                report.outcome = .refusedCredentials(status: status)
                return .finished(report)
            case .retryable(let status, let retryAfter):
                logger.warning(
                    "FullStory unavailable", metadata: ["attempt": "\(report.attempts)", "status": "\(status)"])
                report.outcome = .unavailable(reason: "FullStory answered \(status)")
                return .failed(report, retryAfterMilliseconds: retryAfter.map { $0 * 1000 })
            }
        }
    }
}
