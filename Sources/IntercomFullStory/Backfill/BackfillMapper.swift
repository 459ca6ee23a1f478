import FlatJSON
import ISO8601Format

/// The events of one searched conversation inside a window: Opened at its creation, Closed at its last close,
/// Rated at its rating, each only when its moment lies in the window. Properties are the webhook path's; the
/// session is the conversation's own attribute, else the contact's `external_id` alone (never "the most recent
/// session", which would pin a past event on whatever session is live now), else none.
public struct BackfillMapper: Sendable {
    public enum Skip: String, Sendable, CaseIterable {
        case ratingWithoutScore = "rating without a score"
        case notAConversation = "not a conversation"
    }

    public struct Result: Sendable {
        public var events: [FullStoryEvent] = []
        public var skipped: [Skip] = []
    }

    public let window: BackfillWindow
    public let topics: Set<BackfillTopic>
    /// The workspace (from `GET /me`), for `intercom_app_id` and the inbox link.
    public let appID: String?
    private let mapper: EventMapper

    public init(
        window: BackfillWindow, topics: Set<BackfillTopic>, appID: String?, sessionAttribute: String, inboxBaseURL: String,
        pageURLPolicy: PageURLPolicy = .drop
    ) {
        self.window = window
        self.topics = topics
        self.appID = appID
        mapper = EventMapper(sessionAttribute: sessionAttribute, inboxBaseURL: inboxBaseURL, pageURLPolicy: pageURLPolicy)
    }

    public func events(of item: JSONValue) -> Result {
        var result = Result()
        guard let conversation = IntercomConversation(item) else {
            result.skipped.append(.notAConversation)
            return result
        }
        for topic in BackfillTopic.allCases where topics.contains(topic) {
            switch topic {
            case .opened:
                if let moment = conversation.createdAt, window.contains(moment) {
                    result.events.append(event(topic, conversation, moment: moment, teammate: conversation.assignee, rating: nil))
                }
            case .closed:
                if let moment = conversation.lastCloseAt, window.contains(moment) {
                    let closer = conversation.lastClosedByID.map { id in
                        EventMapper.named(IntercomConversation.Teammate(id: id, name: nil), from: conversation.assignee)
                            ?? IntercomConversation.Teammate(id: id, name: nil)
                    }
                    result.events.append(event(topic, conversation, moment: moment, teammate: closer, rating: nil))
                }
            case .rated:
                if let rating = conversation.rating, let moment = rating.ratedAt, window.contains(moment) {
                    let rated = EventMapper.named(rating.teammate, from: conversation.assignee)
                    result.events.append(event(topic, conversation, moment: moment, teammate: rated, rating: rating))
                } else if conversation.rating == nil, Self.hasUnscoredRating(item, in: window) {
                    result.skipped.append(.ratingWithoutScore)
                }
            }
        }
        return result
    }

    private func event(
        _ topic: BackfillTopic, _ conversation: IntercomConversation, moment: Int, teammate: IntercomConversation.Teammate?,
        rating: IntercomConversation.Rating?
    ) -> FullStoryEvent {
        var properties = mapper.conversationProperties(
            topic: topic.rawValue, appID: appID, conversation: conversation, teammate: teammate, rating: rating)
        properties.append(EventProperty("backfilled", .bool(true)))
        var link = SessionResolver.resolve(
            itemAttribute: conversation.customAttributes?[mapper.sessionAttribute]?.nonEmptyString,
            itemSource: .conversationAttribute, contactAttribute: nil, externalID: conversation.contact?.externalID)
        if case .mostRecentSessionOfUser(let uid) = link { link = .user(uid: uid) }
        return FullStoryEvent(
            name: topic.eventName, timestamp: ISO8601.format(unixSeconds: moment), properties: properties, link: link,
            idempotencyKey: IdempotencyKey.forBackfill(conversationID: conversation.id, eventName: topic.eventName, moment: moment))
    }

    /// A rating object whose score is missing (asked for, never answered), dated inside the window.
    private static func hasUnscoredRating(_ item: JSONValue, in window: BackfillWindow) -> Bool {
        guard let rating = item["conversation_rating"], rating.kind == .object, rating.count > 0 else { return false }
        let moment = rating["replied_at"]?.unixTimestamp ?? rating["updated_at"]?.unixTimestamp ?? rating["created_at"]?.unixTimestamp
        return moment.map(window.contains) ?? false
    }
}
