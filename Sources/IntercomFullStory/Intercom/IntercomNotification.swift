import FlatJSON

/// The `notification_event` envelope. Only `type`, `topic` and `data.item` are required; everything else is
/// optional because real deliveries differ by era (see `../shared/reference/intercom-webhooks.md` §1).
public struct IntercomNotification: Sendable {
    /// `notif_…`; `nil` for `ping`.
    public var id: String?
    public var topic: String
    /// The workspace id.
    public var appID: String?
    public var createdAt: Int?
    public var deliveryAttempts: Int?
    /// `data.item`, decoded further by whoever understands its `type`.
    public var item: JSONValue

    public enum DecodingError: Error, Equatable, Sendable {
        case notJSON(String)
        case notANotification(String)
    }

    public static func decode(_ body: [UInt8]) throws(DecodingError) -> IntercomNotification {
        let document: JSONDocument
        do {
            document = try JSONDocument(parsing: body)
        } catch {
            throw .notJSON(error.description)
        }
        return try decode(document.root)
    }

    public static func decode(_ root: JSONValue) throws(DecodingError) -> IntercomNotification {
        guard root.kind == .object else { throw .notANotification("body is not a JSON object") }
        guard root["type"]?.isString("notification_event") == true else {
            throw .notANotification("type is not notification_event")
        }
        guard let topic = root["topic"]?.nonEmptyString else { throw .notANotification("missing topic") }
        guard let item = root["data", "item"], item.kind == .object else {
            throw .notANotification("missing data.item")
        }
        return IntercomNotification(
            id: root["id"]?.identifier, topic: topic, appID: root["app_id"]?.identifier,
            createdAt: root["created_at"]?.unixTimestamp, deliveryAttempts: root["delivery_attempts"]?.int, item: item)
    }
}
