import FlatJSON
import NIOConcurrencyHelpers

/// ABsmartly's Collector as its OpenAPI spec documents `PUT /v1/context` (`contextPublish`): the SDK API key in
/// `X-API-Key`, `X-Application`, `X-Application-Version`, `X-Environment` and `X-Agent` required, a JSON body with
/// `publishedAt` (integer milliseconds), `units` and `goals` (`achievedAt` in integer milliseconds); with `hashed:
/// true`, each uid must be a base64url MD5 (22 characters). Answers 200 `{"ok":true,...}`, 401 for another key, 400
/// with `errors` naming what is wrong.
public final class ABsmartlyStandIn: Sendable {
    public static let apiKey = "absmartly-sdk-key-e2e-7d1f"
    public static let application = "website"
    public static let environment = "production"

    /// A goal the Collector took.
    public struct Published: Sendable, Equatable {
        public var unitType: String
        public var uid: String
        public var goal: String
        public var achievedAt: Int
        public var publishedAt: Int
        public var properties: String
        public var hashed: Bool
    }

    let server: StandInServer
    private let published: NIOLockedValueBox<[Published]>

    public var baseURL: String { server.baseURL + "/v1" }
    public var requests: [StandInServer.Request] { server.requests }
    public var goals: [Published] { published.withLockedValue { $0 } }

    /// - Parameter script: an answer to a publish by its number (1 is the first), instead of the normal one.
    public init(script: [Int: StandInServer.Reply] = [:]) throws {
        let published = NIOLockedValueBox<[Published]>([])
        self.published = published
        server = try StandInServer { request, index in
            if let scripted = script[index + 1] { return scripted }
            guard request.method == "PUT", request.uri == "/v1/context" else {
                return .json(404, #"{"code":404,"message":"not found"}"#)
            }
            guard request.header("X-API-Key") == Self.apiKey else { return .json(401, "") }
            for (header, wanted) in [
                ("X-Application", Self.application), ("X-Environment", Self.environment), ("X-Application-Version", "0"),
                ("X-Agent", "intercom-fullstory"), ("Content-Type", "application/json"),
            ] where request.header(header) != wanted {
                return Self.invalid("\(header) must be \(wanted)")
            }
            switch Self.validate(request.body) {
            case .success(let goal):
                published.withLockedValue { $0.append(goal) }
                return .json(200, #"{"ok":true,"warnings":[],"errors":[]}"#)
            case .failure(let problem):
                return Self.invalid(problem.message)
            }
        }
    }

    public func shutdown() { server.shutdown() }

    struct Problem: Error { let message: String }

    static func validate(_ body: [UInt8]) -> Result<Published, Problem> {
        guard let root = try? JSONDocument(parsing: body).root, root.kind == .object else { return .failure(Problem(message: "body is not a JSON object")) }
        for (key, _) in root.members where !["hashed", "historic", "publishedAt", "units", "goals", "exposures", "attributes"].contains(key) {
            return .failure(Problem(message: "unknown field \(key)"))
        }
        guard let publishedAt = root["publishedAt"], publishedAt.kind == .number, let published = publishedAt.int, published > 1_000_000_000_000 else {
            return .failure(Problem(message: "publishedAt must be integer milliseconds"))
        }
        let hashed = root["hashed"]?.bool ?? false
        guard let units = root["units"], units.kind == .array, units.count >= 1,
            let unit = units.elements.first(where: { _ in true }), let type = unit["type"]?.string, let uid = unit["uid"]?.string,
            !uid.isEmpty, uid.count <= 640
        else { return .failure(Problem(message: "units must hold a type and a uid")) }
        if hashed, uid.utf8.count != 22 || !uid.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) }) {
            return .failure(Problem(message: "a hashed uid is 22 base64url characters"))
        }
        guard let goals = root["goals"], goals.kind == .array, goals.count == 1, let goal = goals.elements.first(where: { _ in true }),
            let name = goal["name"]?.string, !name.isEmpty, let achievedAt = goal["achievedAt"], achievedAt.kind == .number,
            let achieved = achievedAt.int, achieved > 1_000_000_000_000
        else { return .failure(Problem(message: "goals[0] needs a name and integer milliseconds achievedAt")) }
        let properties = goal["properties"]
        guard properties == nil || properties?.kind == .object || properties?.isNull == true else {
            return .failure(Problem(message: "goals[0].properties must be an object"))
        }
        var writer = JSONWriter()
        if let properties, properties.kind == .object { writer.raw(Array(propertiesText(properties).utf8)) } else { writer.null() }
        return .success(Published(
            unitType: type, uid: uid, goal: name, achievedAt: achieved, publishedAt: published, properties: writer.string, hashed: hashed))
    }

    /// The properties object, re-written (members in order, values as they came).
    static func propertiesText(_ object: JSONValue) -> String {
        var writer = JSONWriter()
        writer.beginObject()
        for (name, value) in object.members {
            writer.key(name)
            switch value.kind {
            case .string: writer.string(value.string ?? "")
            case .number: writer.raw(Array((value.numberText ?? "0").utf8))
            case .bool: writer.bool(value.bool ?? false)
            case .array:
                writer.beginArray()
                for element in value.elements { writer.string(element.string ?? "") }
                writer.endArray()
            default: writer.null()
            }
        }
        writer.endObject()
        return writer.string
    }

    public static func invalid(_ message: String) -> StandInServer.Reply {
        .json(400, #"{"ok":false,"warnings":[],"errors":[{"batchIndex":0,"eventIndex":0,"subject":"goal","message":"\#(message)"}]}"#)
    }
}
