import ISO8601Format
import IntercomFullStory

/// A batch job's events by what FullStory's imports and errors listings name them by: the event's name, its
/// conversation and its moment (compared as an instant: a listing may write `…:00Z` as `…:00.000Z`). Each key
/// is handed out once; built once per job, so matching a listing of 50,000 entries stays linear.
struct JobEventIndex {
    private struct Identity: Hashable {
        var name: String?
        var conversationID: String?
        var instant: Int?
        /// The timestamp as written, when it is not one we can read as an instant.
        var unparsedTimestamp: String?

        init(name: String?, conversationID: String?, timestamp: String?) {
            self.name = name
            self.conversationID = conversationID
            instant = timestamp.flatMap(ISO8601.parse)
            unparsedTimestamp = instant == nil ? timestamp : nil
        }
    }

    private var keys: [Identity: [String]] = [:]

    init(_ events: [FullStoryEvent]) {
        for event in events {
            let conversationID = event.properties.first { $0.name == "conversation_id" }.flatMap { property -> String? in
                if case .string(let id) = property.value { id } else { nil }
            }
            keys[Identity(name: event.name, conversationID: conversationID, timestamp: event.timestamp), default: []]
                .append(event.idempotencyKey)
        }
    }

    /// The key of an event the listing names and no earlier entry took; `nil` when none is left.
    mutating func take(name: String?, timestamp: String?, conversationID: String?) -> String? {
        let identity = Identity(name: name, conversationID: conversationID, timestamp: timestamp)
        guard var left = keys[identity], !left.isEmpty else { return nil }
        let key = left.removeFirst()
        keys[identity] = left
        return key
    }
}
