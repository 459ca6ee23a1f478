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
    }

    public enum DecodingError: Error, Equatable, Sendable, CustomStringConvertible {
        case notJSON
        /// Valid JSON, but not a message of this project.
        case notADeliveryMessage
        /// Written by a newer version of the function (a rollback, or two versions on one queue).
        case unsupportedVersion(Int)
        case invalid(String)

        public var description: String {
            switch self {
            case .notJSON: "not JSON"
            case .notADeliveryMessage: "not an intercom-fullstory delivery message"
            case .unsupportedVersion(let version): "message version \(version) is newer than this function understands"
            case .invalid(let what): "invalid delivery message: \(what)"
            }
        }
    }

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
        writer.key("origin")
        writer.beginObject()
        writer.member("topic", origin.topic)
        if let id = origin.notificationID { writer.member("notification_id", id) }
        if let appID = origin.appID { writer.member("app_id", appID) }
        writer.endObject()
        if case .session(_, let source) = event.link { writer.member("session_source", source.rawValue) }
        writer.member("reason", reason.rawValue)
        writer.member("queued_at", ISO8601.format(unixSeconds: queuedAt))
        writer.endObject()
        return writer.string
    }

    public static func decode(_ text: String) -> Result<DeliveryMessage, DecodingError> {
        guard let document = try? JSONDocument(parsing: text) else { return .failure(.notJSON) }
        let root = document.root
        guard root.kind == .object, root["type"]?.isString("intercom-fullstory.delivery") == true else {
            return .failure(.notADeliveryMessage)
        }
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
        guard let topic = root["origin", "topic"]?.string, !topic.isEmpty else { return .failure(.invalid("origin.topic")) }
        guard let reason = root["reason"]?.string.flatMap(Reason.init(rawValue:)) else { return .failure(.invalid("reason")) }
        guard let queuedAt = root["queued_at"]?.string.flatMap(ISO8601.parse) else { return .failure(.invalid("queued_at")) }
        let origin = Origin(
            topic: topic, notificationID: root["origin", "notification_id"]?.string, appID: root["origin", "app_id"]?.string)
        return .success(DeliveryMessage(event: event, origin: origin, reason: reason, queuedAt: queuedAt))
    }
}
