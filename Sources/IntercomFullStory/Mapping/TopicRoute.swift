/// One row of the topic table: which Intercom topic becomes which FullStory event.
public struct TopicRoute: Sendable, Equatable {
    /// What the notification's item is.
    public enum Subject: Sendable, Equatable {
        case conversation, ticket
    }

    /// Which moment the event's timestamp and teammate come from.
    public enum Moment: Sendable, Equatable {
        /// The conversation's (or ticket's) creation.
        case created
        /// The rating (its time and rated teammate).
        case rating
        /// The newest conversation part of one of these types (for instance `close`).
        case part([String])
        /// The ticket's newest state change (else its `updated_at`).
        case ticketStateChange
    }

    /// What the event's idempotency key is derived from.
    public enum Key: Sendable, Equatable {
        /// The notification's id (stable across Intercom's redeliveries of it).
        case notification
        /// The moment's conversation part (its id): one part, one event, whichever notification delivers it.
        case part
    }

    public let topic: String
    public let eventName: String
    /// Forwarded without configuration; the others need to be listed in `FULLSTORY_EVENT_TOPICS`.
    public let enabledByDefault: Bool
    public let moment: Moment
    public let subject: Subject
    /// The event for the ticket shape before 2.15, when the ticket is `data.item` itself rather than nested in
    /// it (`ticket.closed` meant resolved then); `nil` when the shape makes no difference.
    public let unnestedEventName: String?
    public let key: Key

    public init(
        _ topic: String, _ eventName: String, enabledByDefault: Bool, moment: Moment, subject: Subject = .conversation,
        unnestedEventName: String? = nil, key: Key = .notification
    ) {
        self.topic = topic
        self.eventName = eventName
        self.enabledByDefault = enabledByDefault
        self.moment = moment
        self.subject = subject
        self.unnestedEventName = unnestedEventName
        self.key = key
    }
}
