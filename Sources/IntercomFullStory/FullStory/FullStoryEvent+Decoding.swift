import FlatJSON
import ISO8601Format

extension FullStoryEvent {
    /// The event a Create Event body written by `body()` describes, or `nil` for anything `body()` would not
    /// have written (unknown members, untyped numbers, a malformed session id). Decoding and encoding again gives
    /// the same bytes, so a redelivery sends exactly the body first tried under its key.
    public init?(decodingBody root: JSONValue, idempotencyKey: String, sessionSource: SessionLink.Source?) {
        guard root.kind == .object, let name = root["name"]?.string, !name.isEmpty, !idempotencyKey.isEmpty else { return nil }
        for (key, _) in root.members where !["name", "timestamp", "session", "user", "properties", "schema"].contains(key) {
            return nil
        }
        var timestamp: String?
        if let value = root["timestamp"] {
            guard let text = value.string, ISO8601.parse(text) != nil else { return nil }
            timestamp = text
        }
        guard let link = Self.link(root, sessionSource: sessionSource),
            let properties = Self.properties(root["properties"], integers: Self.declaredIntegers(root["schema"]))
        else { return nil }
        self.init(name: name, timestamp: timestamp, properties: properties, link: link, idempotencyKey: idempotencyKey)
    }

    private static func link(_ root: JSONValue, sessionSource: SessionLink.Source?) -> SessionLink? {
        let session = root["session"]
        let uid = root["user", "uid"]?.string
        if let session, session.kind != .object { return nil }
        if let user = root["user"], user.kind != .object || user.count != 1 || uid == nil { return nil }
        if let id = session?["id"] {
            guard session?.count == 1, uid == nil, let text = id.string, let parsed = FullStorySessionID(parsing: text),
                parsed.value == text
            else { return nil }
            return .session(parsed, source: sessionSource ?? .conversationAttribute)
        }
        if let session {
            guard session.count == 1, session["use_most_recent"]?.bool == true, let uid else { return nil }
            return .mostRecentSessionOfUser(uid: uid)
        }
        return uid.map { .user(uid: $0) } ?? .unlinked
    }

    /// Names the schema declares `int`; anything else in the schema is not ours.
    private static func declaredIntegers(_ schema: JSONValue?) -> [String]? {
        guard let schema else { return [] }
        guard schema.kind == .object, schema.count == 1, let declared = schema["properties"], declared.kind == .object
        else { return nil }
        var names: [String] = []
        for (name, type) in declared.members {
            guard type.isString("int") else { return nil }
            names.append(name)
        }
        return names
    }

    private static func properties(_ object: JSONValue?, integers: [String]?) -> [EventProperty]? {
        guard let integers, let properties = EventProperty.readObject(object, allowsInteger: integers.contains) else { return nil }
        // The schema lists exactly the integer properties, in their order (as `body()` writes it).
        let integerNames = properties.compactMap { property -> String? in if case .int = property.value { property.name } else { nil } }
        guard integerNames == integers else { return nil }
        return properties
    }
}
