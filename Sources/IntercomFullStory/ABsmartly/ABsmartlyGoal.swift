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
            properties: draft.properties.filter { !Self.personalProperties.contains($0.name) })
    }

    /// `Intercom Conversation Closed` → `intercom_conversation_closed`.
    public static func name(forEvent eventName: String) -> String {
        String(decoding: eventName.utf8.map { $0 == UInt8(ascii: " ") ? UInt8(ascii: "_") : ASCII.lowercased($0) }, as: UTF8.self)
    }

    /// Stored raw and shown to every console user: names and the rating's remark (the customer's words) stay out.
    /// The FullStory event carries no email, no message text and no ticket title or description to begin with.
    public static let personalProperties: Set<String> = ["teammate_name", "remark"]
}
