import Budget
import CurlHTTP
import IntercomFullStory
import Logging
import SystemClock

/// Publishes goals to ABsmartly's Collector (`PUT {collector}/context`) over the one libcurl client, retrying what
/// is worth retrying within the budget. The Collector has no idempotency key: a retry after a lost answer can count
/// a goal twice (at-least-once), so tries are few and only after a failure.
public final class ABsmartlyClient {
    public enum Outcome: Sendable, Equatable {
        /// With the Collector's warnings, if any.
        case published(warnings: [String])
        /// 400, 413, 422, or a 200 saying `ok: false` or listing errors: final; the Collector's messages say why.
        case rejected(status: Int, messages: [String])
        /// 401, 403: the key, application or environment refused; 404 and other answers: not the Collector's URL.
        case refused(status: Int)
        /// 408, 425, 429, 5xx, timeouts, refused connections.
        case unavailable(reason: String)
    }

    public struct Report: Sendable {
        public var outcome: Outcome
        public var attempts = 0
        /// Time spent waiting for the Collector (backoff sleeps excluded).
        public var milliseconds: Double = 0
    }

    /// Up to three attempts, 100 ms to 1 s apart, within the budget.
    public static let retryPolicy = RetryPolicy(maximumAttempts: 3, baseMilliseconds: 100, capMilliseconds: 1000)
    /// The `X-Agent` each goal event is stored with.
    public static let agent = "intercom-fullstory"

    private let endpoint: String
    private let headers: [(name: String, value: String)]
    private let http: HTTPClient
    private let time: TimeSource

    /// The Collector at `collectorURL` (its base with `/v1`), as `application` in `environment`, with an SDK API key.
    public init(
        collectorURL: String, apiKey: String, application: String, environment: String, http: HTTPClient, time: TimeSource = .system
    ) {
        endpoint = collectorURL + "/context"
        headers = [
            ("X-API-Key", apiKey), ("X-Application", application), ("X-Application-Version", "0"),
            ("X-Environment", environment), ("X-Agent", Self.agent), ("Content-Type", "application/json"),
            ("Accept", "application/json"),
        ]
        self.http = http
        self.time = time
    }

    /// Publishes `request` within `budget`; with `retrying` false (redelivery) one attempt only.
    public func publish(_ request: ABsmartlyPublish, budget: TimeBudget, logger: Logger, retrying: Bool = true) -> Report {
        let body = request.body()
        var report = Report(outcome: .unavailable(reason: "no attempt fitted in the time budget"))
        return budget.attempts(
            Self.retryPolicy, retrying: retrying, cappedAt: TimeBudget.abSmartlyAttemptMilliseconds, current: { report }
        ) { timeout in
            report.attempts += 1
            let start = time.monotonicNanoseconds()
            let response: HTTPResponse
            do {
                defer { report.milliseconds += Double(time.monotonicNanoseconds() - start) / 1_000_000 }
                response = try http.perform(
                    HTTPRequest(
                        method: "PUT", url: endpoint, headers: headers, body: body, timeoutMilliseconds: timeout, maximumResponseSize: 64 * 1024))
            } catch {
                logger.warning("ABsmartly request failed", metadata: ["attempt": "\(report.attempts)", "error": "\(error)"])
                report.outcome = .unavailable(reason: "ABsmartly \(error)")
                return .failed(report, retryAfterMilliseconds: nil)
            }
            switch CollectorReply.classify(status: response.status, body: response.body, retryAfter: response.header("Retry-After")) {
            case .published(let warnings):
                report.outcome = .published(warnings: warnings)
                return .finished(report)
            case .rejected(let status, let messages):
                report.outcome = .rejected(status: status, messages: messages)
                return .finished(report)
            case .refused(let status):
                report.outcome = .refused(status: status)
                return .finished(report)
            case .retryable(let status, let retryAfter):
                logger.warning("ABsmartly unavailable", metadata: ["attempt": "\(report.attempts)", "status": "\(status)"])
                report.outcome = .unavailable(reason: "ABsmartly answered \(status)")
                return .failed(report, retryAfterMilliseconds: retryAfter.map { $0 * 1000 })
            }
        }
    }
}
