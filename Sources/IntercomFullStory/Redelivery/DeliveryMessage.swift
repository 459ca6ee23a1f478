import ASCIIText
import FlatJSON
import ISO8601Format

/// What the webhook path hands to the delivery queue when a destination cannot take an event, and what redelivery
/// reads back: the destination, its request as it was tried (FullStory's body and idempotency key, ABsmartly's
/// publish body) and where it came from. It holds nothing secret and no message text beyond what the request itself
/// carries. The format is versioned (version 2 names the destination; version 1, FullStory's only, is still read);
/// docs/reliability.md documents it. `intercom_retry` (optional, `true` only) says the webhook was Intercom's retry of
/// a notification: an earlier attempt may have reached FullStory under the same key, with another body.
///
/// ```json
/// {"type":"intercom-fullstory.delivery","version":2,"destination":"fullstory","idempotency_key":"…",
///  "request":{…CreateEvent body…},"origin":{"topic":"conversation.admin.closed","notification_id":"notif_…",
///  "app_id":"…"},"session_source":"contact_attribute","reason":"fullstory_unavailable","queued_at":"2026-12-01T08:00:00Z"}
/// ```
public struct DeliveryMessage: Sendable, Equatable {
    public static let type = "intercom-fullstory.delivery"
    public static let version = 2

    /// Where a queued request goes, and only there: a destination's redelivery never resends another's event.
    public enum Destination: String, Sendable, CaseIterable {
        case fullStory = "fullstory"
        case abSmartly = "absmartly"
    }

    /// A destination's request as tried.
    public enum Request: Sendable, Equatable {
        case fullStory(FullStoryEvent)
        case abSmartly(ABsmartlyPublish)

        public var destination: Destination {
            switch self {
            case .fullStory: .fullStory
            case .abSmartly: .abSmartly
            }
        }

        /// The key the request itself carries (FullStory's `Idempotency-Key`, the unlinked variant's own after a full
        /// session); `nil` when the message's key is the event's (the draft's).
        public var idempotencyKey: String? {
            switch self {
            case .fullStory(let event): event.idempotencyKey
            case .abSmartly: nil
            }
        }

        func body() -> [UInt8] {
            switch self {
            case .fullStory(let event): event.body()
            case .abSmartly(let publish): publish.body()
            }
        }
    }

    /// Why the webhook could not deliver.
    public enum Reason: String, Sendable {
        case fullStoryUnavailable = "fullstory_unavailable"
        case fullStoryRefusedCredentials = "fullstory_refused_credentials"
        case abSmartlyUnavailable = "absmartly_unavailable"
        case abSmartlyRefusedCredentials = "absmartly_refused_credentials"

        /// The destination a reason belongs to.
        public var destination: Destination {
            switch self {
            case .fullStoryUnavailable, .fullStoryRefusedCredentials: .fullStory
            case .abSmartlyUnavailable, .abSmartlyRefusedCredentials: .abSmartly
            }
        }
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

    public var request: Request
    /// The event's idempotency key: FullStory's `Idempotency-Key`; for other destinations, the log's correlation.
    public var idempotencyKey: String
    public var origin: Origin
    public var reason: Reason
    /// Unix seconds when the webhook queued it.
    public var queuedAt: Int
    /// The webhook was Intercom's retry of the notification (`delivery_attempts` > 1); written on FullStory's messages.
    public var intercomRetry: Bool

    public init(request: Request, idempotencyKey: String, origin: Origin, reason: Reason, queuedAt: Int, intercomRetry: Bool = false) {
        self.request = request
        self.idempotencyKey = idempotencyKey
        self.origin = origin
        self.reason = reason
        self.queuedAt = queuedAt
        self.intercomRetry = intercomRetry
    }

    /// A FullStory event's message.
    public init(event: FullStoryEvent, origin: Origin, reason: Reason, queuedAt: Int, intercomRetry: Bool = false) {
        self.init(
            request: .fullStory(event), idempotencyKey: event.idempotencyKey, origin: origin, reason: reason, queuedAt: queuedAt,
            intercomRetry: intercomRetry)
    }

    public var destination: Destination { request.destination }

    /// The FullStory event, for a FullStory message.
    public var event: FullStoryEvent? {
        if case .fullStory(let event) = request { event } else { nil }
    }

    public func encoded() -> String {
        let body = request.body()
        var writer = JSONWriter(capacity: body.count + 512)
        writer.beginObject()
        writer.member("type", Self.type)
        writer.member("version", Self.version)
        writer.member("destination", destination.rawValue)
        writer.member("idempotency_key", idempotencyKey)
        writer.key("request")
        writer.raw(body)
        origin.write(to: &writer)
        if case .fullStory(let event) = request, case .session(_, let source) = event.link {
            writer.member("session_source", source.rawValue)
        }
        writer.member("reason", reason.rawValue)
        writer.member("queued_at", ISO8601.format(unixSeconds: queuedAt))
        // Optional and only when true: a message without it reads as before, and a function that predates it ignores it.
        if intercomRetry { writer.member("intercom_retry", true) }
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
        // Version 1 messages are FullStory's.
        let destination: Destination
        if version >= 2 {
            guard let named = root["destination"]?.string.flatMap(Destination.init(rawValue:)) else {
                return .failure(.invalid("destination"))
            }
            destination = named
        } else {
            guard root["destination"] == nil else { return .failure(.invalid("destination in a version 1 message")) }
            destination = .fullStory
        }
        guard let body = root["request"] else { return .failure(.invalid("request")) }
        let request: Request
        switch destination {
        case .fullStory:
            var source: SessionLink.Source?
            if let text = root["session_source"]?.string {
                guard let known = SessionLink.Source(rawValue: text) else { return .failure(.invalid("session_source")) }
                source = known
            }
            guard let event = FullStoryEvent(decodingBody: body, idempotencyKey: key, sessionSource: source) else {
                return .failure(.invalid("request is not a Create Event body this function writes"))
            }
            request = .fullStory(event)
        case .abSmartly:
            guard root["session_source"] == nil, let publish = ABsmartlyPublish(decodingBody: body) else {
                return .failure(.invalid("request is not a publish body this function writes"))
            }
            request = .abSmartly(publish)
        }
        guard let origin = Origin(root["origin"]) else { return .failure(.invalid("origin.topic")) }
        guard let reason = root["reason"]?.string.flatMap(Reason.init(rawValue:)), reason.destination == destination else {
            return .failure(.invalid("reason"))
        }
        guard let queuedAt = root["queued_at"]?.string.flatMap(ISO8601.parse) else { return .failure(.invalid("queued_at")) }
        var intercomRetry = false
        if let flag = root["intercom_retry"] {
            guard let value = flag.bool else { return .failure(.invalid("intercom_retry")) }
            intercomRetry = value
        }
        return .success(
            DeliveryMessage(request: request, idempotencyKey: key, origin: origin, reason: reason, queuedAt: queuedAt, intercomRetry: intercomRetry))
    }
}
