import ASCIIText
import FlatJSON
import ISO8601Format

/// What the webhook path hands to the delivery queue when it could not write a pin on the conversation (Intercom
/// failed, or no time was left after the Opened event), and what redelivery writes again: the conversation, the
/// attribute and the exact value the Opened event's session came from. Nothing secret, no message text.
/// docs/reliability.md documents it.
///
/// ```json
/// {"type":"intercom-fullstory.pin","version":1,"conversation_id":"…","attribute":"fs_session_id",
///  "value":"https://app.fullstory.com/ui/o-1/session/1%3A2","session_source":"list_sessions",
///  "origin":{"topic":"conversation.user.created","notification_id":"notif_…","app_id":"…"},
///  "reason":"intercom_unavailable","queued_at":"2026-12-01T08:00:00Z"}
/// ```
public struct PinMessage: Sendable, Equatable {
    public static let type = "intercom-fullstory.pin"
    public static let version = 1

    public enum Reason: String, Sendable {
        /// Intercom answered 429 or 5xx, or did not answer in time.
        case intercomUnavailable = "intercom_unavailable"
        /// The webhook's time was spent before the write could start.
        case noTimeLeft = "no_time_left"
        /// Intercom's retry of the webhook could not read whether an earlier attempt pinned the conversation:
        /// redelivery reads it again first, and writes only on a conversation without a pin.
        case pinUnknown = "pin_unknown"
    }

    public var conversationID: String
    public var attribute: String
    public var pin: SessionPin
    public var origin: DeliveryMessage.Origin
    public var reason: Reason
    /// Unix seconds when the webhook queued it.
    public var queuedAt: Int

    public init(
        conversationID: String, attribute: String, pin: SessionPin, origin: DeliveryMessage.Origin, reason: Reason, queuedAt: Int
    ) {
        self.conversationID = conversationID
        self.attribute = attribute
        self.pin = pin
        self.origin = origin
        self.reason = reason
        self.queuedAt = queuedAt
    }

    public func encoded() -> String {
        var writer = JSONWriter(capacity: 512)
        writer.beginObject()
        writer.member("type", Self.type)
        writer.member("version", Self.version)
        writer.member("conversation_id", conversationID)
        writer.member("attribute", attribute)
        writer.member("value", pin.attributeValue)
        writer.member("session_source", pin.source.rawValue)
        origin.write(to: &writer)
        writer.member("reason", reason.rawValue)
        writer.member("queued_at", ISO8601.format(unixSeconds: queuedAt))
        writer.endObject()
        return writer.string
    }

    /// Reads a message whose `type` is this one's (`QueuedMessage` tells the types apart).
    static func decode(_ root: JSONValue) -> Result<PinMessage, QueuedMessage.DecodingError> {
        guard let version = root["version"]?.int else { return .failure(.invalid("no version")) }
        guard version <= Self.version else { return .failure(.unsupportedVersion(version)) }
        guard version >= 1 else { return .failure(.invalid("version \(version)")) }
        guard let conversationID = root["conversation_id"]?.string, conversationIDRule.accepts(conversationID) else {
            return .failure(.invalid("conversation_id"))
        }
        guard let attribute = root["attribute"]?.string, !attribute.isEmpty, attribute.utf8.count <= WebhookConfiguration.maximumAttributeNameLength else {
            return .failure(.invalid("attribute"))
        }
        guard let value = root["value"]?.string, value.utf8.count <= SessionReplayURL.maximumLength,
            let session = FullStorySessionID(parsing: value)
        else { return .failure(.invalid("value is not a FullStory session")) }
        guard let source = root["session_source"]?.string.flatMap(SessionLink.Source.init(rawValue:)),
            source != .conversationAttribute
        else { return .failure(.invalid("session_source")) }
        guard let origin = DeliveryMessage.Origin(root["origin"]) else { return .failure(.invalid("origin.topic")) }
        guard let reason = root["reason"]?.string.flatMap(Reason.init(rawValue:)) else { return .failure(.invalid("reason")) }
        guard let queuedAt = root["queued_at"]?.string.flatMap(ISO8601.parse) else { return .failure(.invalid("queued_at")) }
        return .success(
            PinMessage(
                conversationID: conversationID, attribute: attribute,
                pin: SessionPin(session: session, source: source, attributeValue: value), origin: origin, reason: reason,
                queuedAt: queuedAt))
    }

    /// Intercom's conversation ids are digits; other identifier characters are accepted, and the path is encoded.
    static let conversationIDRule = IdentifierRule(punctuation: "-_", maximumLength: 64)
}
