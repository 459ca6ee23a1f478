#if canImport(Glibc)
import Glibc
#endif
import Base64Format
import FlatJSON
import ISO8601Format
import IntercomFullStory
import NIOConcurrencyHelpers

/// Intercom's REST API as the backfill uses it: `GET /me` and `POST /conversations/search`, which evaluates
/// its query (fields by dotted path, every documented operator, AND/OR groups nested two levels deep), sorts,
/// and pages with a stateless `starting_after` cursor, as the docs describe. Whether `>` and `<` include their
/// bound is selectable (Intercom's docs say "greater (or equal) than"; extractors assume strict). Failures can be
/// scripted by request number: a 429 with `X-RateLimit-Reset`, a 500.
public final class IntercomSearchStandIn: Sendable {
    public enum BoundReading: Sendable {
        case strict, inclusive
    }

    public struct Failure: Sendable {
        public var status: Int
        /// Seconds until `X-RateLimit-Reset` (with `X-RateLimit-Remaining: 0`), for a 429.
        public var resetInSeconds: Int?

        public static func rateLimited(resetInSeconds: Int) -> Failure { Failure(status: 429, resetInSeconds: resetInSeconds) }
        public static let serverError = Failure(status: 500, resetInSeconds: nil)
    }

    public static let token = "dG9rOmJhY2tmaWxsLXRlc3QtdG9rZW4="
    public static let workspace = "abc123def"

    let server: StandInServer
    private let state: NIOLockedValueBox<State>

    struct State {
        var conversations: [String]
        var searches: [String] = []
        var versions: [String] = []
    }

    public var baseURL: String { server.baseURL }
    /// The search request bodies received, in order.
    public var searches: [String] { state.withLockedValue { $0.searches } }
    public var intercomVersions: [String] { state.withLockedValue { $0.versions } }
    public var requestCount: Int { server.requests.count }

    /// - Parameters:
    ///   - failures: the answer to the search request with that number (1 is the first search).
    ///   - spentWindows: the search requests whose answer (a 200) spends the rate-limit window
    ///     (`X-RateLimit-Remaining: 0`), with the seconds until its reset.
    public init(
        conversations: [String], reading: BoundReading = .strict, failures: [Int: Failure] = [:], spentWindows: [Int: Int] = [:]
    ) throws {
        let state = NIOLockedValueBox(State(conversations: conversations))
        self.state = state
        server = try StandInServer { request, _ in
            state.withLockedValue { $0.versions.append(request.header("Intercom-Version") ?? "") }
            guard request.header("Authorization") == "Bearer " + Self.token else {
                return .json(401, #"{"type":"error.list","errors":[{"code":"unauthorized","message":"Access Token Invalid"}]}"#)
            }
            if request.method == "GET", request.uri == "/me" {
                return .json(200, #"{"type":"admin","id":"9608799","app":{"type":"app","id_code":"\#(Self.workspace)"}}"#)
            }
            guard request.method == "POST", request.uri == "/conversations/search" else {
                return .json(404, #"{"type":"error.list","errors":[{"code":"not_found"}]}"#)
            }
            let (number, conversations) = state.withLockedValue { state -> (Int, [String]) in
                state.searches.append(request.bodyText)
                return (state.searches.count, state.conversations)
            }
            if let failure = failures[number] {
                var headers: [(String, String)] = []
                if let reset = failure.resetInSeconds {
                    headers = [("X-RateLimit-Limit", "167"), ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", "\(Self.now() + reset)")]
                }
                return .json(failure.status, #"{"type":"error.list","errors":[{"code":"rate_limit_exceeded"}]}"#, headers: headers)
            }
            return Self.search(request.body, conversations: conversations, reading: reading, spentFor: spentWindows[number])
        }
    }

    /// Replaces the conversations (an update between pages, for instance).
    public func setConversations(_ conversations: [String]) { state.withLockedValue { $0.conversations = conversations } }

    public func shutdown() { server.shutdown() }

    static func now() -> Int { Int(time(nil)) }

    // MARK: Search

    static func search(_ body: [UInt8], conversations: [String], reading: BoundReading, spentFor resetInSeconds: Int? = nil)
        -> StandInServer.Reply
    {
        guard let root = try? JSONDocument(parsing: body).root, let query = root["query"] else {
            return badRequest("invalid query")
        }
        let perPage = root["pagination", "per_page"]?.int ?? 20
        guard perPage >= 1, perPage <= 150 else { return badRequest("per_page must be between 1 and 150") }
        if let problem = validate(query, depth: 0) { return badRequest(problem) }
        let documents = conversations.compactMap { text in (try? JSONDocument(parsing: text)).map { (text: text, root: $0.root) } }
        var matching = documents.filter { matches(query, $0.root, reading: reading) }
        if let field = root["sort", "field"]?.string {
            let descending = root["sort", "order"]?.string != "ascending"
            matching.sort { left, right in
                let a = number(at: field, in: left.root) ?? 0, b = number(at: field, in: right.root) ?? 0
                if a != b { return descending ? a > b : a < b }
                return (left.root["id"]?.string ?? "") < (right.root["id"]?.string ?? "")
            }
        }
        let offset = root["pagination", "starting_after"]?.string.flatMap(decodeCursor) ?? 0
        let page = Array(matching.dropFirst(offset).prefix(perPage))
        let totalPages = max(1, (matching.count + perPage - 1) / perPage)
        var writer = JSONWriter(capacity: 4096)
        writer.beginObject()
        writer.member("type", "conversation.list")
        writer.key("pages")
        writer.beginObject()
        writer.member("type", "pages")
        writer.member("page", offset / perPage + 1)
        writer.member("per_page", perPage)
        writer.member("total_pages", totalPages)
        if offset + perPage < matching.count {
            writer.key("next")
            writer.beginObject()
            writer.member("page", offset / perPage + 2)
            writer.member("starting_after", encodeCursor(offset + perPage))
            writer.endObject()
        }
        writer.endObject()
        writer.member("total_count", matching.count)
        writer.key("conversations")
        writer.beginArray()
        for document in page { writer.raw(Array(document.text.utf8)) }
        writer.endArray()
        writer.endObject()
        return .json(200, writer.string, headers: [
            ("X-RateLimit-Limit", "167"), ("X-RateLimit-Remaining", resetInSeconds == nil ? "150" : "0"),
            ("X-RateLimit-Reset", "\(now() + (resetInSeconds ?? 10))"),
        ])
    }

    static func badRequest(_ message: String) -> StandInServer.Reply {
        .json(400, #"{"type":"error.list","errors":[{"code":"parameter_invalid","message":"\#(message)"}]}"#)
    }

    /// Intercom's limits: groups nested at most two levels deep, at most 15 filters per group.
    static func validate(_ node: JSONValue, depth: Int) -> String? {
        guard let op = node["operator"]?.string else { return "operator missing" }
        if op == "AND" || op == "OR" {
            guard depth < 2 else { return "queries are nested at most two levels deep" }
            guard let children = node["value"], children.kind == .array else { return "group without value" }
            guard children.count <= 15 else { return "at most 15 filters per group" }
            for child in children.elements { if let problem = validate(child, depth: depth + 1) { return problem } }
            return nil
        }
        guard node["field"]?.string != nil, node["value"] != nil else { return "filter without field or value" }
        guard ["=", "!=", "IN", "NIN", ">", "<", ">=", "<=", "~", "!~", "^", "$"].contains(op) else { return "unknown operator \(op)" }
        return nil
    }

    static func matches(_ node: JSONValue, _ conversation: JSONValue, reading: BoundReading) -> Bool {
        let op = node["operator"]?.string ?? ""
        if op == "AND" { return node["value"]?.elements.allSatisfy { matches($0, conversation, reading: reading) } ?? false }
        if op == "OR" { return node["value"]?.elements.contains { matches($0, conversation, reading: reading) } ?? false }
        let field = node["field"]?.string ?? ""
        guard let wanted = node["value"] else { return false }
        let actual = value(at: field, in: conversation)
        switch op {
        case ">", "<", ">=", "<=":
            guard let a = actual.flatMap(numeric), let b = numeric(wanted) else { return false }
            switch (op, reading) {
            case (">", .strict): return a > b
            case (">", .inclusive), (">=", _): return a >= b
            case ("<", .strict): return a < b
            default: return a <= b
            }
        case "=": return actual.map { same($0, wanted) } ?? wanted.isNull
        case "!=": return !(actual.map { same($0, wanted) } ?? wanted.isNull)
        case "IN": return actual.map { value in wanted.elements.contains { same(value, $0) } } ?? false
        case "NIN": return !(actual.map { value in wanted.elements.contains { same(value, $0) } } ?? false)
        case "~", "!~", "^", "$":
            guard let text = actual?.string, let part = wanted.string else { return op == "!~" }
            switch op {
            case "~": return text.contains(part)
            case "!~": return !text.contains(part)
            case "^": return text.hasPrefix(part)
            default: return text.hasSuffix(part)
            }
        default: return false
        }
    }

    /// The member at a dotted path; `conversation_rating.score` is the rating's `rating`, as Intercom names it.
    static func value(at path: String, in conversation: JSONValue) -> JSONValue? {
        var current: JSONValue? = conversation
        let parts = path.split(separator: ".").map(String.init)
        for (index, part) in parts.enumerated() {
            let name = index == 1 && parts[0] == "conversation_rating" && part == "score" ? "rating" : part
            current = current?[name]
        }
        return current.flatMap { $0.isNull ? nil : $0 }
    }

    static func number(at path: String, in conversation: JSONValue) -> Double? { value(at: path, in: conversation).flatMap(numeric) }

    /// Numbers, numeric strings and ISO 8601 times (Intercom's statistics carry both forms) as numbers.
    static func numeric(_ value: JSONValue) -> Double? {
        if let number = value.double { return number }
        guard let text = value.string else { return nil }
        return Double(text) ?? ISO8601.parse(text).map(Double.init)
    }

    static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if let x = numeric(a), let y = numeric(b) { return x == y }
        if let x = a.bool, let y = b.bool { return x == y }
        return a.string != nil && a.string == b.string
    }

    static func encodeCursor(_ offset: Int) -> String { Base64.encode(Array("[\(offset)]".utf8)) }

    static func decodeCursor(_ cursor: String) -> Int? {
        guard let bytes = Base64.decode(cursor) else { return nil }
        return Int(String(decoding: bytes.dropFirst().dropLast(), as: UTF8.self))
    }
}
