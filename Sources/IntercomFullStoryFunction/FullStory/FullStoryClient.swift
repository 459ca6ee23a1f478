import CurlHTTP
import IntercomFullStory
import LambdaRuntime
import Logging

/// Sends events to FullStory's Create Event endpoint (`POST /v2/events`), retrying what is worth retrying
/// within the delivery budget, always with the event's idempotency key.
public final class FullStoryClient {
    /// What happened, for the response and the invocation's log line.
    public struct Report: Sendable {
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

    public static let maximumAttempts = 4
    /// Longest single attempt, so that a hanging FullStory still leaves time for another try.
    static let attemptTimeoutMilliseconds = 2000
    /// An attempt with less time than this is not started.
    static let minimumAttemptMilliseconds = 150

    private let endpoint: String
    private let authorization: String
    private let http: HTTPClient
    private let backoff: RetryBackoff
    private var random = SystemRandomNumberGenerator()

    public init(baseURL: String, apiKey: String, http: HTTPClient, backoff: RetryBackoff = RetryBackoff()) {
        endpoint = baseURL + "/v2/events"
        authorization = "Basic " + apiKey
        self.http = http
        self.backoff = backoff
    }

    /// Sends `event` within `budget`. With `retrying` false, a 429, 5xx or transport failure ends the delivery at
    /// once (redelivery: the queue retries later); the unlinked resend after a full session is still made.
    public func deliver(_ event: FullStoryEvent, budget: DeliveryBudget, logger: Logger, retrying: Bool = true) -> Report {
        var current = event
        var body = event.body()  // retries send the same bytes; only the unlinked variant has its own
        var report = Report(outcome: .unavailable(reason: "no attempt fitted in the time budget"), attempts: 0, sent: [])
        var sentUnlinked = false
        attempts: while report.attempts < Self.maximumAttempts {
            let remaining = budget.remainingMilliseconds()
            guard remaining >= Self.minimumAttemptMilliseconds else { break }
            report.attempts += 1
            report.sent.append(current)
            let timeout = min(remaining, Self.attemptTimeoutMilliseconds)
            let reply: FullStoryReply
            let requestStart = LambdaClock.monotonicNanoseconds()
            do {
                defer { report.fullStoryMilliseconds += Double(LambdaClock.monotonicNanoseconds() - requestStart) / 1_000_000 }
                let response = try http.perform(
                    HTTPRequest(
                        method: "POST", url: endpoint,
                        headers: [
                            ("Authorization", authorization), ("Content-Type", "application/json"),
                            ("Accept", "application/json"), ("Idempotency-Key", current.idempotencyKey),
                        ],
                        body: body, connectTimeoutMilliseconds: min(timeout, 1000),
                        totalTimeoutMilliseconds: timeout, maximumResponseSize: 64 * 1024))
                report.lastStatus = response.status
                reply = FullStoryReply.classify(
                    status: response.status, body: response.body, retryAfter: response.header("Retry-After"))
            } catch {
                logger.warning(
                    "FullStory request failed",
                    metadata: ["attempt": "\(report.attempts)", "error": "\(error)", "idempotencyKey": "\(current.idempotencyKey)"])
                report.outcome = .unavailable(reason: "FullStory \(error)")
                if !retrying || !wait(beforeAttempt: report.attempts + 1, retryAfterSeconds: nil, budget: budget) { break attempts }
                continue
            }
            switch reply {
            case .accepted:
                report.outcome = .delivered(current)
                return report
            case .sessionFull where !sentUnlinked:
                logger.warning("FullStory session is full; sending the event without it", metadata: ["idempotencyKey": "\(current.idempotencyKey)"])
                sentUnlinked = true
                current = current.unlinked()
                body = current.body()
            case .sessionFull:
                report.outcome = .rejected(status: 400, code: "session_page_limit_exceeded")
                return report
            case .rejected(let status, let code):
                report.outcome = .rejected(status: status, code: code)
                return report
            case .refused(let status, _):
                report.outcome = .refusedCredentials(status: status)
                return report
            case .retryable(let status, let retryAfter):
                logger.warning(
                    "FullStory unavailable", metadata: ["attempt": "\(report.attempts)", "status": "\(status)"])
                report.outcome = .unavailable(reason: "FullStory answered \(status)")
                if !retrying || !wait(beforeAttempt: report.attempts + 1, retryAfterSeconds: retryAfter, budget: budget) { break attempts }
            }
        }
        return report
    }

    /// Sleeps before the next attempt; `false` when that attempt would not fit in the budget.
    private func wait(beforeAttempt attempt: Int, retryAfterSeconds: Int?, budget: DeliveryBudget) -> Bool {
        guard attempt <= Self.maximumAttempts else { return false }
        var delay = backoff.delay(beforeAttempt: attempt, using: &random)
        if let retryAfterSeconds { delay = max(delay, retryAfterSeconds * 1000) }
        guard delay + Self.minimumAttemptMilliseconds <= budget.remainingMilliseconds() else { return false }
        LambdaClock.sleep(milliseconds: delay)
        return true
    }
}
