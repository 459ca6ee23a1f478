import FlatJSON
import NIOConcurrencyHelpers

/// FullStory's Events API as documented: Create Event (`POST /v2/events`) with idempotency keys (the same key
/// and body are answered from memory and recorded once; the same key with another body is refused), and batch
/// import (`POST /v2/events/batch` with its own key, a job PROCESSING on its first poll and COMPLETED, or FAILED
/// with errors, after; `GET …/errors` and `GET …/imports` answering 202 while the job runs and paging their
/// results). A job may also lose events: neither imported nor listed as errors, the job FAILED.
public final class FullStoryStandIn: Sendable {
    /// An event FullStory recorded, however it came.
    public struct Recorded: Sendable, Equatable, Hashable {
        public var name: String
        public var conversationID: String?
        public var timestamp: String?
        public var key: String?
        public var viaBatch: Bool

        public init(name: String, conversationID: String?, timestamp: String?, key: String?, viaBatch: Bool) {
            self.name = name
            self.conversationID = conversationID
            self.timestamp = timestamp
            self.key = key
            self.viaBatch = viaBatch
        }
    }

    struct Job {
        var requests: [String]
        var polls = 0
        var rejected: [Int]
        /// Neither imported nor in the errors listing.
        var lost: [Int] = []
    }

    struct State {
        var keys: [String: String] = [:]
        var recorded: [Recorded] = []
        var createEventRequests = 0
        var jobs: [String: Job] = [:]
        var jobKeys: [String: String] = [:]
        var sessions: [String: [ListedSession]] = [:]
        var recordedSessions: [String?] = []
    }

    /// A session List Sessions lists for a user.
    public struct ListedSession: Sendable {
        public var userID: String
        public var sessionID: String
        /// Unix seconds.
        public var createdTime: Int
        /// The schema's int64 form instead of the example's strings.
        public var asNumbers: Bool

        public init(userID: String, sessionID: String, createdTime: Int, asNumbers: Bool = false) {
            self.userID = userID
            self.sessionID = sessionID
            self.createdTime = createdTime
            self.asNumbers = asNumbers
        }

        public var id: String { userID + ":" + sessionID }
        public var fsURL: String { "https://app.fullstory.com/ui/o-E2E-na1/session/\(userID)%3A\(sessionID)" }
    }

    let server: StandInServer
    private let state: NIOLockedValueBox<State>

    public var baseURL: String { server.baseURL }
    public var recorded: [Recorded] { state.withLockedValue { $0.recorded } }
    /// Create Event requests received, replays and retries included.
    public var createEventRequests: Int { state.withLockedValue { $0.createEventRequests } }
    public var jobCount: Int { state.withLockedValue { $0.jobs.count } }
    public var requests: [StandInServer.Request] { server.requests }
    /// The List Sessions requests received.
    public var listSessionsRequests: [StandInServer.Request] { requests.filter { $0.uri.hasPrefix("/sessions/v2") } }
    /// The events recorded through Create Event, with their `session.id` (`nil`: none).
    public var sessionOfRecorded: [String?] { state.withLockedValue { $0.recordedSessions } }

    /// The sessions List Sessions answers for `uid` (any order: it answers the newest first).
    public func setSessions(_ sessions: [ListedSession], uid: String) { state.withLockedValue { $0.sessions[uid] = sessions } }

    /// - Parameters:
    ///   - delayMilliseconds: how long each Create Event answer takes.
    ///   - rejectInBatch: batch requests for these conversation ids fail to import (their job ends FAILED).
    ///   - loseInBatch: batch requests for these conversation ids are neither imported nor listed as errors (their
    ///     job ends FAILED).
    ///   - script: an answer to a Create Event request by its number (1 is the first), instead of the normal one.
    ///   - onCreateEvent: called as each Create Event request arrives (a test's clock moving, say).
    ///   - listSessionsStatus: List Sessions answers this error status instead of listing.
    public init(
        delayMilliseconds: Int64 = 0, rejectInBatch: Set<String> = [], loseInBatch: Set<String> = [],
        script: [Int: StandInServer.Reply] = [:], onCreateEvent: (@Sendable () -> Void)? = nil, listSessionsStatus: Int? = nil
    ) throws {
        let state = NIOLockedValueBox(State())
        self.state = state
        server = try StandInServer { request, _ in
            guard request.header("Authorization")?.hasPrefix("Basic ") == true else { return .json(401, #"{"code":"unauthorized","message":"no key"}"#) }
            let path = request.uri.split(separator: "?").first.map(String.init) ?? request.uri
            if request.method == "POST", path == "/v2/events" {
                onCreateEvent?()
                let (number, reply) = state.withLockedValue { state -> (Int, StandInServer.Reply) in
                    state.createEventRequests += 1
                    return (state.createEventRequests, Self.createEvent(request, &state))
                }
                let answer = script[number] ?? reply
                if script[number] != nil { state.withLockedValue { Self.forget(request, &$0) } }
                return delayMilliseconds > 0 ? .delayed(milliseconds: delayMilliseconds, .init(answer)) : answer
            }
            if request.method == "GET", path == "/sessions/v2" {
                if let listSessionsStatus { return .json(listSessionsStatus, #"{"code":"unavailable","message":"down"}"#) }
                return state.withLockedValue { Self.listSessions(request.uri, $0) }
            }
            if request.method == "POST", path == "/v2/events/batch" {
                return state.withLockedValue { Self.createJob(request, rejectInBatch: rejectInBatch, loseInBatch: loseInBatch, &$0) }
            }
            if request.method == "GET", path.hasPrefix("/v2/events/batch/") {
                let rest = path.dropFirst("/v2/events/batch/".count).split(separator: "/").map(String.init)
                return state.withLockedValue { Self.job(rest, query: request.uri, &$0) }
            }
            return .json(404, #"{"code":"resource_not_found","message":"no such endpoint"}"#)
        }
    }

    public func shutdown() { server.shutdown() }

    static func recorded(_ body: JSONValue, key: String?, viaBatch: Bool) -> Recorded {
        Recorded(
            name: body["name"]?.string ?? "", conversationID: body["properties", "conversation_id"]?.string,
            timestamp: body["timestamp"]?.string, key: key, viaBatch: viaBatch)
    }

    static func createEvent(_ request: StandInServer.Request, _ state: inout State) -> StandInServer.Reply {
        guard let body = try? JSONDocument(parsing: request.body).root, body["name"]?.string != nil else {
            return .json(400, #"{"code":"invalid_argument","message":"not a Create Event request"}"#)
        }
        if let key = request.header("Idempotency-Key") {
            if let seen = state.keys[key] {
                return seen == request.bodyText
                    ? .json(200, "{}") : .json(400, #"{"code":"invalid_argument","message":"idempotency key reused with another body"}"#)
            }
            state.keys[key] = request.bodyText
        }
        state.recorded.append(recorded(body, key: request.header("Idempotency-Key"), viaBatch: false))
        state.recordedSessions.append(body["session", "id"]?.string)
        return .json(200, "{}")
    }

    /// `GET /sessions/v2?uid=…&limit=…`: the user's most recent sessions, newest first (limit 20 by default).
    static func listSessions(_ uri: String, _ state: State) -> StandInServer.Reply {
        let query = uri.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
        var parameters: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { parameters[parts[0]] = Substring(parts[1]).removingPercentEncoding }
        }
        guard let uid = parameters["uid"] else {
            return .json(400, #"{"code":"invalid_argument","message":"uid, email or session_uid is required"}"#)
        }
        let limit = parameters["limit"].flatMap { Int($0) } ?? 20
        let sessions = (state.sessions[uid] ?? []).sorted { $0.createdTime > $1.createdTime }.prefix(limit)
        let elements = sessions.map { session in
            session.asNumbers
                ? #"{"userId":\#(session.userID),"sessionId":\#(session.sessionID),"createdTime":\#(session.createdTime),"fsUrl":"\#(session.fsURL)"}"#
                : #"{"userId":"\#(session.userID)","sessionId":"\#(session.sessionID)","createdTime":"\#(session.createdTime)","fsUrl":"\#(session.fsURL)"}"#
        }
        return .json(200, #"{"sessions":[\#(elements.joined(separator: ","))]}"#)
    }

    /// A scripted answer replaced the real one: the event was not recorded after all.
    static func forget(_ request: StandInServer.Request, _ state: inout State) {
        guard let key = request.header("Idempotency-Key"), state.keys[key] == request.bodyText else { return }
        state.keys[key] = nil
        if let index = state.recorded.lastIndex(where: { $0.key == key }) { state.recorded.remove(at: index) }
    }

    static func createJob(
        _ request: StandInServer.Request, rejectInBatch: Set<String>, loseInBatch: Set<String>, _ state: inout State
    ) -> StandInServer.Reply {
        guard let root = try? JSONDocument(parsing: request.body).root, let list = root["requests"], list.kind == .array,
            list.count <= 50_000
        else {
            return .json(400, #"{"code":"invalid_argument","message":"requests is required, at most 50000"}"#)
        }
        if let key = request.header("Idempotency-Key"), let id = state.jobKeys[key] {
            return .json(200, #"{"job":{"id":"\#(id)","status":"PROCESSING","created":"2026-12-01T00:00:00Z"}}"#)
        }
        let id = "job-\(state.jobs.count + 1)"
        var texts: [String] = []
        var rejected: [Int] = []
        var lost: [Int] = []
        for (index, event) in list.elements.enumerated() {
            texts.append(Self.text(of: event))
            if let conversation = event["properties", "conversation_id"]?.string, rejectInBatch.contains(conversation) {
                rejected.append(index)
            }
            if let conversation = event["properties", "conversation_id"]?.string, loseInBatch.contains(conversation) {
                lost.append(index)
            }
        }
        state.jobs[id] = Job(requests: texts, rejected: rejected, lost: lost)
        if let key = request.header("Idempotency-Key") { state.jobKeys[key] = id }
        return .json(200, #"{"job":{"id":"\#(id)","status":"PROCESSING","created":"2026-12-01T00:00:00Z"}}"#)
    }

    /// An element's JSON text, re-written from its members (enough to find its name and properties again).
    static func text(of event: JSONValue) -> String {
        var writer = JSONWriter()
        writer.beginObject()
        writer.member("name", event["name"]?.string ?? "")
        if let timestamp = event["timestamp"]?.string { writer.member("timestamp", timestamp) }
        writer.key("properties")
        writer.beginObject()
        if let conversation = event["properties", "conversation_id"]?.string { writer.member("conversation_id", conversation) }
        writer.endObject()
        writer.endObject()
        return writer.string
    }

    static func job(_ path: [String], query: String, _ state: inout State) -> StandInServer.Reply {
        guard let id = path.first, var job = state.jobs[id] else { return .json(404, #"{"code":"resource_not_found","message":"no such job"}"#) }
        let done = job.polls >= 1
        if path.count == 1 {
            job.polls += 1
            if job.polls == 2 {
                // The job ends: the events not rejected are imported, once.
                for (index, text) in job.requests.enumerated() where !job.rejected.contains(index) && !job.lost.contains(index) {
                    if let body = try? JSONDocument(parsing: text).root { state.recorded.append(recorded(body, key: nil, viaBatch: true)) }
                }
            }
            state.jobs[id] = job
            let status = job.polls < 2 ? "PROCESSING" : job.rejected.isEmpty && job.lost.isEmpty ? "COMPLETED" : "FAILED"
            let imports = job.polls < 2 ? 0 : job.requests.count - job.rejected.count - job.lost.count
            return .json(200, #"{"imports":\#(imports),"errors":\#(job.polls < 2 ? 0 : job.rejected.count),"job":{"id":"\#(id)","status":"\#(status)","created":"2026-12-01T00:00:00Z"}}"#)
        }
        guard path.count == 2, path[1] == "errors" || path[1] == "imports" else {
            return .json(404, #"{"code":"resource_not_found","message":"no such endpoint"}"#)
        }
        guard done, job.polls >= 2 else { return .json(202, "{}") }
        // Two results a page, to make the reader follow next_page_token.
        let listed = path[1] == "errors"
            ? job.rejected : job.requests.indices.filter { !job.rejected.contains($0) && !job.lost.contains($0) }
        let start = query.split(separator: "page_token=").dropFirst().first.flatMap { Int($0) } ?? 0
        let page = listed.dropFirst(start).prefix(2)
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("results")
        writer.beginArray()
        for index in page {
            if path[1] == "imports" {
                // BatchCreateEventsResponse: the event as imported, its timestamp written with milliseconds (a
                // listing need not repeat the request's bytes).
                writer.raw(Array(job.requests[index].replacingFirst("Z\"", with: ".000Z\"").utf8))
                continue
            }
            writer.beginObject()
            writer.member("message", "the event was refused")
            writer.member("code", "invalid_argument")
            writer.key("event")
            writer.raw(Array(job.requests[index].utf8))
            writer.endObject()
        }
        writer.endArray()
        writer.member("total_records", "\(listed.count)")
        if start + 2 < listed.count { writer.member("next_page_token", "\(start + 2)") }
        writer.endObject()
        return .json(200, writer.string)
    }
}
