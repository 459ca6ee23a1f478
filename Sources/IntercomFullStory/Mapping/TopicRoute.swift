/// One row of the topic table: which Intercom topic becomes which FullStory event.
public struct TopicRoute: Sendable, Equatable {
    /// Which moment the event's timestamp and teammate come from.
    public enum Moment: Sendable, Equatable {
        /// The conversation's creation.
        case conversationCreated
        /// The rating (its time and rated teammate).
        case rating
        /// The newest conversation part of one of these types (for instance `close`).
        case part([String])
    }

    public let topic: String
    public let eventName: String
    /// Forwarded without configuration; the others need to be listed in `FULLSTORY_EVENT_TOPICS`.
    public let enabledByDefault: Bool
    public let moment: Moment

    public init(_ topic: String, _ eventName: String, enabledByDefault: Bool, moment: Moment) {
        self.topic = topic
        self.eventName = eventName
        self.enabledByDefault = enabledByDefault
        self.moment = moment
    }
}
