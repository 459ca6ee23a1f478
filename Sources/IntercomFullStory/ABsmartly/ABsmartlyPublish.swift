import ASCIIText
import FlatJSON

/// The Collector's publish request for one goal (`PUT {collector}/context`): `hashed`, `publishedAt`, one unit and
/// one goal, nothing else. A queued one is resent as it was first tried, `publishedAt` included. Pure.
public struct ABsmartlyPublish: Sendable, Equatable {
    public var unitType: String
    /// The hashed uid (`ABsmartlyUnit.hashed`).
    public var unitUID: String
    public var goal: ABsmartlyGoal
    public var publishedAtMilliseconds: Int64

    public init(unitType: String, unitUID: String, goal: ABsmartlyGoal, publishedAtMilliseconds: Int64) {
        self.unitType = unitType
        self.unitUID = unitUID
        self.goal = goal
        self.publishedAtMilliseconds = publishedAtMilliseconds
    }

    /// Unit types are names made in the Web Console (`user_id`, `device_id`…).
    public static let unitTypeRule = IdentifierRule(punctuation: "-_.", maximumLength: 64)

    public func body() -> [UInt8] {
        var writer = JSONWriter(capacity: 256 + goal.properties.count * 48)
        write(to: &writer)
        return writer.bytes
    }

    public func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.member("hashed", true)
        writer.member("publishedAt", Int(publishedAtMilliseconds))
        writer.key("units")
        writer.beginArray()
        writer.beginObject()
        writer.member("type", unitType)
        writer.member("uid", unitUID)
        writer.endObject()
        writer.endArray()
        writer.key("goals")
        writer.beginArray()
        writer.beginObject()
        writer.member("name", goal.name)
        writer.member("achievedAt", Int(goal.achievedAtMilliseconds))
        writer.key("properties")
        EventProperty.writeObject(goal.properties, to: &writer)
        writer.endObject()
        writer.endArray()
        writer.endObject()
    }

    /// A body this function writes, read back (a queue message's request); `nil` for anything else.
    public init?(decodingBody body: JSONValue) {
        guard body.kind == .object, Self.hasOnly(["hashed", "publishedAt", "units", "goals"], body), body["hashed"]?.bool == true, let published = body["publishedAt"]?.int, published > 0,
            let units = body["units"], units.kind == .array, units.count == 1, let unit = units.elements.first(where: { _ in true }),
            Self.hasOnly(["type", "uid"], unit), let type = unit["type"]?.string, Self.unitTypeRule.accepts(type), let uid = unit["uid"]?.string,
            ABsmartlyUnit.hashedRule.accepts(uid), uid.utf8.count == 22,
            let goals = body["goals"], goals.kind == .array, goals.count == 1, let goal = goals.elements.first(where: { _ in true }),
            Self.hasOnly(["name", "achievedAt", "properties"], goal), let name = goal["name"]?.string, !name.isEmpty, name.utf8.count <= 128, name.isHeaderSafe,
            let achieved = goal["achievedAt"]?.int, achieved > 0,
            let decoded = EventProperty.readObject(goal["properties"], allowsInteger: { _ in true }),
            decoded.allSatisfy({ ABsmartlyGoal.sharedProperties.contains($0.name) })
        else { return nil }
        self.init(
            unitType: type, unitUID: uid, goal: ABsmartlyGoal(name: name, achievedAtMilliseconds: Int64(achieved), properties: decoded),
            publishedAtMilliseconds: Int64(published))
    }

    private static func hasOnly(_ names: Set<String>, _ object: JSONValue) -> Bool {
        object.kind == .object && object.members.allSatisfy { names.contains($0.key) }
    }
}
