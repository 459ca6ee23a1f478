import ASCIIText

/// One forwarded event as an ABsmartly goal: its name is the FullStory event's, lower-cased with spaces as
/// underscores (`intercom_conversation_closed`); `achievedAt` is the event's moment (never the delivery time); its
/// properties are the FullStory event's minus anything personal, with the same JSON types (`rating` an integer).
public struct ABsmartlyGoal: Sendable, Equatable {
    public var name: String
    /// Milliseconds since the epoch.
    public var achievedAtMilliseconds: Int64
    public var properties: [EventProperty]

    public init(name: String, achievedAtMilliseconds: Int64, properties: [EventProperty]) {
        self.name = name
        self.achievedAtMilliseconds = achievedAtMilliseconds
        self.properties = properties
    }

    /// The goal of a draft; `nil` when the draft has no moment (ABsmartly needs one, and the delivery time is not it).
    public init?(draft: EventDraft) {
        guard let moment = draft.momentSeconds else { return nil }
        self.init(
            name: Self.name(forEvent: draft.eventName), achievedAtMilliseconds: Int64(moment) * 1000,
            properties: draft.properties.filter { Self.sharedProperties.contains($0.name) })
    }

    /// `Intercom Conversation Closed` → `intercom_conversation_closed`.
    public static func name(forEvent eventName: String) -> String {
        String(decoding: eventName.utf8.map { $0 == UInt8(ascii: " ") ? UInt8(ascii: "_") : ASCII.lowercased($0) }, as: UTF8.self)
    }

    /// The FullStory event's properties a goal carries: ids, links, the topic, states, categories, tags, counts,
    /// durations and flags. An allow-list: a property the mapping gains later stays out until it is put here (a
    /// test checks that every property the mapping makes is either here or in `personalProperties`).
    public static let sharedProperties: Set<String> = Set(
        [
            "conversation_id", "intercom_topic", "intercom_app_id", "conversation_url", "contact_id", "page_url", "teammate_id",
            "teammate_type", "rating", "tags", "priority", "ai_agent_participated", "ai_agent_resolution_state", "ai_agent_rating",
            "ticket_id", "ticket_number", "ticket_url", "ticket_type", "ticket_category", "ticket_state", "ticket_state_category",
            "team_id", "linked_conversation_id",
        ] + IntercomConversation.forwardedStatistics)

    /// Stored raw and shown to every console user, so never sent: names and the rating's remark (the customer's
    /// words). The FullStory event carries no email, no message text and no ticket title or description to begin with.
    public static let personalProperties: Set<String> = ["teammate_name", "remark"]
}
