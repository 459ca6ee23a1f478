import ASCIIText
import FlatJSON

/// What the webhook path hands to the delivery queue when FullStory cannot take an event, and what redelivery
/// reads back: the FullStory request as it was tried (body and idempotency key) and where it came from. It holds
/// nothing secret and no message text beyond what the FullStory body itself carries. The format is versioned;
/// docs/reliability.md documents it.
///
/// ```json
/// {"type":"intercom-fullstory.delivery","version":1,"idempotency_key":"…","request":{…CreateEvent body…},
///  "origin":{"topic":"conversation.admin.closed","notification_id":"notif_…","app_id":"…"},
///  "session_source":"contact_attribute","reason":"fullstory_unavailable","queued_at":"2026-12-01T08:00:00Z"}
/// ```
public struct DeliveryMessage: Sendable, Equatable {
    public static let type = "intercom-fullstory.delivery"
    public static let version = 1

    /// Why the webhook could not deliver.
    public enum Reason: String, Sendable {
        case fullStoryUnavailable = "fullstory_unavailable"
        case fullStoryRefusedCredentials = "fullstory_refused_credentials"
    }

    public struct Origin: Sendable, Equatable {
        public var topic: String
        public var notificationID: String?
        public var appID: String?

        public init(topic: String, notificationID: String?, appID: String?) {
            self.topic = topic
            self.notificationID = notificationID
            self.appID = appID
        }

        /// `nil` without a topic.
        init?(_ value: JSONValue?) {
            guard let value, let topic = value["topic"]?.string, !topic.isEmpty else { return nil }
            self.init(topic: topic, notificationID: value["notification_id"]?.string, appID: value["app_id"]?.string)
        }

        func write(to writer: inout JSONWriter) {
            writer.key("origin")
            writer.beginObject()
            writer.member("topic", topic)
            if let notificationID { writer.member("notification_id", notificationID) }
            if let appID { writer.member("app_id", appID) }
            writer.endObject()
        }
    }

    public typealias DecodingError = QueuedMessage.DecodingError

    public var event: FullStoryEvent
    public var origin: Origin
    public var reason: Reason
    /// Unix seconds when the webhook queued it.
    public var queuedAt: Int

    public init(event: FullStoryEvent, origin: Origin, reason: Reason, queuedAt: Int) {
        self.event = event
        self.origin = origin
        self.reason = reason
        self.queuedAt = queuedAt
    }

    public func encoded() -> String {
        let body = event.body()
        var writer = JSONWriter(capacity: body.count + 512)
        writer.beginObject()
        writer.member("type", Self.type)
        writer.member("version", Self.version)
        writer.member("idempotency_key", event.idempotencyKey)
        writer.key("request")
        writer.raw(body)
        origin.write(to: &writer)
        if case .session(_, let source) = event.link { writer.member("session_source", source.rawValue) }
        writer.member("reason", reason.rawValue)
        writer.member("queued_at", ISO8601.format(unixSeconds: queuedAt))
        writer.endObject()
        return writer.string
    }

    /// Reads a queue message that must be a delivery message (a pin message is `notOurs` here).
    public static func decode(_ text: String) -> Result<DeliveryMessage, DecodingError> {
        switch QueuedMessage.decode(text) {
        case .success(.delivery(let message)): .success(message)
        case .success(.pin): .failure(.notOurs)
        case .failure(let error): .failure(error)
        }
    }

    /// Reads a message whose `type` is this one's (`QueuedMessage` tells the types apart).
    static func decode(_ root: JSONValue) -> Result<DeliveryMessage, DecodingError> {
        guard let version = root["version"]?.int else { return .failure(.invalid("no version")) }
        guard version <= Self.version else { return .failure(.unsupportedVersion(version)) }
        guard version >= 1 else { return .failure(.invalid("version \(version)")) }
        guard let key = root["idempotency_key"]?.string, !key.isEmpty, key.utf8.count <= 128, key.isHeaderSafe
        else { return .failure(.invalid("idempotency_key")) }
        var source: SessionLink.Source?
        if let text = root["session_source"]?.string {
            guard let known = SessionLink.Source(rawValue: text) else { return .failure(.invalid("session_source")) }
            source = known
        }
        guard let request = root["request"],
            let event = FullStoryEvent(decodingBody: request, idempotencyKey: key, sessionSource: source)
        else { return .failure(.invalid("request is not a Create Event body this function writes")) }
        guard let origin = Origin(root["origin"]) else { return .failure(.invalid("origin.topic")) }
        guard let reason = root["reason"]?.string.flatMap(Reason.init(rawValue:)) else { return .failure(.invalid("reason")) }
        guard let queuedAt = root["queued_at"]?.string.flatMap(ISO8601.parse) else { return .failure(.invalid("queued_at")) }
        return .success(DeliveryMessage(event: event, origin: origin, reason: reason, queuedAt: queuedAt))
    }
}
