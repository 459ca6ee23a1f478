import FlatJSON

/// One FullStory Create Event request (`POST /v2/events`): its body and its idempotency key.
public struct FullStoryEvent: Sendable, Equatable {
    public var name: String
    /// ISO 8601 UTC; `nil` lets FullStory use its receive time.
    public var timestamp: String?
    public var properties: [EventProperty]
    public var link: SessionLink
    public var idempotencyKey: String

    public init(name: String, timestamp: String?, properties: [EventProperty], link: SessionLink, idempotencyKey: String) {
        self.name = name
        self.timestamp = timestamp
        self.properties = properties
        self.link = link
        self.idempotencyKey = idempotencyKey
    }

    /// The same event without a session, for when FullStory answers `session_page_limit_exceeded`. It gets its
    /// own key: FullStory refuses a replayed key with a different body.
    public func unlinked() -> FullStoryEvent {
        var copy = self
        copy.link = .unlinked
        copy.idempotencyKey = IdempotencyKey.unlinkedVariant(of: idempotencyKey)
        return copy
    }

    /// The `CreateEventRequest` JSON body.
    public func body() -> [UInt8] {
        var writer = JSONWriter(capacity: 2048)
        writer.beginObject()
        writer.member("name", name)
        if let timestamp { writer.member("timestamp", timestamp) }
        switch link {
        case .session(let id, _):
            writer.key("session")
            writer.beginObject()
            writer.member("id", id.value)
            writer.endObject()
        case .mostRecentSessionOfUser(let uid):
            writer.key("user")
            writer.beginObject()
            writer.member("uid", uid)
            writer.endObject()
            writer.key("session")
            writer.beginObject()
            writer.member("use_most_recent", true)
            writer.endObject()
        case .user(let uid):
            writer.key("user")
            writer.beginObject()
            writer.member("uid", uid)
            writer.endObject()
        case .unlinked:
            break
        }
        writer.key("properties")
        EventProperty.writeObject(properties, to: &writer)
        let integers = properties.filter { if case .int = $0.value { true } else { false } }
        if !integers.isEmpty {
            writer.key("schema")
            writer.beginObject()
            writer.key("properties")
            writer.beginObject()
            for property in integers { writer.member(property.name, "int") }
            writer.endObject()
            writer.endObject()
        }
        writer.endObject()
        return writer.bytes
    }
}
