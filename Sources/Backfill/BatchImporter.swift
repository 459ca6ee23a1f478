import ASCIIText
import CurlHTTP
import FlatJSON
import IntercomFullStory
import ServiceClients
import SystemClock

/// FullStory's batch import (`POST /v2/events/batch`): one asynchronous job per at most 50,000 events, polled
/// until it ends, its errors fetched when it reports some.
final class BatchImporter {
    struct Job: Sendable {
        var id: String
        var keys: [String]
    }

    struct Finished: Sendable {
        var status: String
        var imports: Int
        var errors: Int
    }

    /// An event FullStory's imports listing names: enough to find it among the job's events.
    struct ImportedEvent: Sendable {
        var name: String?
        var conversationID: String?
        var timestamp: String?
    }

    /// What FullStory said of one event it did not import.
    struct ImportError: Sendable {
        var message: String?
        var code: String?
        /// The event's name and `conversation_id`, to tell it apart.
        var name: String?
        var conversationID: String?
        var timestamp: String?
    }

    enum Failure: Error, CustomStringConvertible {
        case credentialsRefused(Int)
        case failed(String)

        var description: String {
            switch self {
            case .credentialsRefused(let status):
                "FullStory refused FULLSTORY_API_KEY or FULLSTORY_API_URL (\(status)); nothing more was sent"
            case .failed(let detail): detail
            }
        }
    }

    static let maximumEventsPerJob = 50_000
    /// Jobs are also cut at this many bytes of requests: FullStory publishes no body limit for the batch.
    static let maximumBytesPerJob = 16 << 20

    private let baseURL: String
    private let api: FullStoryAPI
    private let http: HTTPClient
    private let pollMilliseconds: Int
    /// The polls' and retries' waits.
    private let time: TimeSource
    private let note: (String) -> Void

    init(baseURL: String, apiKey: String, http: HTTPClient, pollMilliseconds: Int, time: TimeSource = .system, note: @escaping (String) -> Void) {
        self.baseURL = baseURL + "/v2/events/batch"
        api = FullStoryAPI(baseURL: baseURL, apiKey: apiKey)
        self.http = http
        self.pollMilliseconds = pollMilliseconds
        self.time = time
        self.note = note
    }

    /// The events cut into jobs (at most 50,000 events and 16 MiB each).
    static func jobs(_ events: [FullStoryEvent]) -> [[FullStoryEvent]] {
        var jobs: [[FullStoryEvent]] = []
        var current: [FullStoryEvent] = []
        var bytes = 0
        for event in events {
            let size = event.body().count + 1
            if !current.isEmpty, current.count >= maximumEventsPerJob || bytes + size > maximumBytesPerJob {
                jobs.append(current)
                current = []
                bytes = 0
            }
            current.append(event)
            bytes += size
        }
        if !current.isEmpty { jobs.append(current) }
        return jobs
    }

    /// Creates the job. Its `Idempotency-Key` comes from the events' keys, so that creating it again (after an
    /// interruption before its id was recorded) gives back the same job.
    func create(_ events: [FullStoryEvent]) throws(Failure) -> Job {
        var writer = JSONWriter(capacity: events.count * 1200 + 64)
        writer.beginObject()
        writer.key("requests")
        writer.beginArray()
        for event in events { writer.raw(event.body()) }
        writer.endArray()
        writer.endObject()
        let keys = events.map(\.idempotencyKey)
        let jobKey = IdempotencyKey.uuid5(["backfill-batch"] + keys)
        let body = try call(HTTPRequest(
            method: "POST", url: baseURL,
            headers: api.headers(json: true) + [("Idempotency-Key", jobKey)], body: writer.bytes,
            connectTimeoutMilliseconds: 5000, totalTimeoutMilliseconds: 120_000))
        guard let id = (try? JSONDocument(parsing: body))?.root["job", "id"]?.nonEmptyText else {
            throw .failed("FullStory's batch answer has no job id")
        }
        return Job(id: id, keys: keys)
    }

    /// Polls the job until it is COMPLETED or FAILED (FAILED includes partial failure).
    func wait(for id: String, shouldStop: () -> Bool) throws(Failure) -> Finished? {
        while true {
            let body = try call(HTTPRequest(method: "GET", url: baseURL + "/" + id, headers: headers, totalTimeoutMilliseconds: 30_000))
            guard let root = (try? JSONDocument(parsing: body))?.root, let status = root["job", "status"]?.string else {
                throw .failed("FullStory's job status is not understood")
            }
            if status != "PROCESSING" {
                return Finished(status: status, imports: root["imports"]?.int ?? 0, errors: root["errors"]?.int ?? 0)
            }
            if shouldStop() { return nil }
            time.sleep(pollMilliseconds)
        }
    }

    /// Every error of a finished job, page by page (the endpoint answers 202 while the job still runs).
    func errors(of id: String) throws(Failure) -> [ImportError] {
        try pages(of: id, listing: "errors").map { result in
            ImportError(
                message: result["message"]?.string, code: result["code"]?.string, name: result["event", "name"]?.string,
                conversationID: result["event", "properties", "conversation_id"]?.string,
                timestamp: result["event", "timestamp"]?.string)
        }
    }

    /// Every event a finished job imported, page by page: after a FAILED job, what counts as sent.
    func imports(of id: String) throws(Failure) -> [ImportedEvent] {
        try pages(of: id, listing: "imports").map { result in
            ImportedEvent(
                name: result["name"]?.string, conversationID: result["properties", "conversation_id"]?.string,
                timestamp: result["timestamp"]?.string)
        }
    }

    /// The `results` of a job's listing (`errors` or `imports`), following `next_page_token`.
    private func pages(of id: String, listing: String) throws(Failure) -> [JSONValue] {
        var results: [JSONValue] = []
        var token: String?
        var stillProcessing = 0
        while true {
            let url = baseURL + "/" + id + "/" + listing + (token.map { "?page_token=" + PercentEncoding.encoded($0) } ?? "")
            let response = try response(HTTPRequest(method: "GET", url: url, headers: headers, totalTimeoutMilliseconds: 30_000))
            if response.status == 202 {
                // Still processing: the same page again, a bounded number of times.
                stillProcessing += 1
                guard stillProcessing < 1000 else { throw .failed("FullStory's job \(listing) stayed unavailable (202)") }
                time.sleep(pollMilliseconds)
                continue
            }
            guard (200..<300).contains(response.status) else {
                throw .failed("FullStory answered \(response.status) to the job's \(listing) listing")
            }
            guard let root = (try? JSONDocument(parsing: response.body))?.root else { throw .failed("FullStory's job \(listing) are not JSON") }
            results.append(contentsOf: root["results"]?.elements.map { $0 } ?? [])
            token = root["next_page_token"]?.nonEmptyText
            if token == nil { return results }
        }
    }

    private var headers: [(name: String, value: String)] { api.headers() }

    private func call(_ request: HTTPRequest) throws(Failure) -> [UInt8] {
        let answer = try response(request)
        guard (200..<300).contains(answer.status) else { throw .failed("FullStory answered \(answer.status) to \(request.method) \(request.url)") }
        return answer.body
    }

    /// Six attempts, 1 s to 16 s apart (or FullStory's `Retry-After`, up to ten minutes).
    static let retryPolicy = RetryPolicy(
        maximumAttempts: 6, baseMilliseconds: 1000, capMilliseconds: 30_000, longestRetryAfterMilliseconds: 600_000)

    /// The response, with 429 and 5xx retried (`Retry-After` honoured) and our key's refusal told apart.
    private func response(_ request: HTTPRequest) throws(Failure) -> HTTPResponse {
        let last: Result<HTTPResponse, HTTPClientError> = try RetryLoop.run(
            Self.retryPolicy, time: time,
            willWait: { outcome, wait in
                if case .success(let response) = outcome {
                    note("FullStory answered \(response.status) to the batch import; retrying in \(wait / 1000 + 1) s")
                }
            }
        ) { _ throws(Failure) in
            let response: HTTPResponse
            do throws(HTTPClientError) {
                response = try http.perform(request)
            } catch {
                return .failed(.failure(error), retryAfterMilliseconds: nil)
            }
            switch FullStoryReply.classify(status: response.status, body: response.body, retryAfter: response.header("Retry-After")) {
            case .refused(let status, _): throw .credentialsRefused(status)
            case .retryable(_, let retryAfter): return .failed(.success(response), retryAfterMilliseconds: retryAfter.map { $0 * 1000 })
            default: return .finished(.success(response))
            }
        }
        switch last {
        case .success(let response): return response
        case .failure(let error): throw .failed("FullStory unreachable: \(error)")
        }
    }
}
