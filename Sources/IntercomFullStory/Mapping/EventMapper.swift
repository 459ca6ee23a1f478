import ISO8601Format

/// Builds the FullStory event draft for a mapped topic. Message text never becomes a property: it is customer
/// content. Conversations are mapped here, tickets in `EventMapper+Ticket.swift`; what both share is below.
public struct EventMapper: Sendable {
    public var sessionAttribute: String
    /// Base of the inbox links, e.g. `https://app.intercom.com` (or the EU/AU host).
    public var inboxBaseURL: String
    /// What of `page_url` is sent (by default scheme, host and path).
    public var pageURLPolicy: PageURLPolicy
    /// Whether the bot-reply topic (`TopicTable.botReplyTopic`) is forwarded: only then does a bot's reply brought by
    /// another reply topic become its event (otherwise no duplicate can arise, and the delivered topic's event stays).
    public var forwardsBotReplies: Bool

    public init(sessionAttribute: String, inboxBaseURL: String, pageURLPolicy: PageURLPolicy = .drop, forwardsBotReplies: Bool = false) {
        self.sessionAttribute = sessionAttribute
        self.inboxBaseURL = inboxBaseURL
        self.pageURLPolicy = pageURLPolicy
        self.forwardsBotReplies = forwardsBotReplies
    }

    public func draft(route delivered: TopicRoute, notification: IntercomNotification, conversation: IntercomConversation)
        -> EventDraft
    {
        let bot = forwardsBotReplies ? Self.botReply(delivered, conversation) : nil
        let (route, momentPart) = bot ?? (delivered, momentPart(delivered.moment, conversation))
        let moment = momentTime(route.moment, conversation, momentPart) ?? notification.createdAt
        var draft = draft(
            route: route, eventName: route.eventName, notification: notification, itemID: conversation.id, moment: moment,
            properties: properties(route, notification, conversation, momentPart), contact: conversation.contact,
            itemSessionAttribute: conversation.customAttributes?[sessionAttribute]?.nonEmptyString,
            itemSessionSource: .conversationAttribute, part: momentPart)
        if delivered.topic != route.topic { draft.deliveredTopic = delivered.topic }
        // Only 2.x payloads (they have `source.type`) show whether the conversation is already pinned.
        if route.topic == PinTarget.topic, let sourceType = conversation.sourceType {
            draft.pinTarget = PinTarget(
                conversationID: conversation.id, conversationCreatedAt: conversation.createdAt,
                startedInMessenger: sourceType == "conversation")
        }
        return draft
    }

    /// A reply topic whose newest reply part a bot wrote: the bot reply's route (`TopicTable.botReplyTopic`) and that
    /// part, whichever of the reply topics delivered it; `nil` otherwise (a teammate's reply stays Admin Replied).
    static func botReply(_ route: TopicRoute, _ conversation: IntercomConversation) -> (TopicRoute, IntercomConversation.Part)? {
        guard TopicTable.topicsBringingBotReplies.contains(route.topic), let botRoute = TopicTable.route(for: TopicTable.botReplyTopic),
            case .part(let types) = botRoute.moment, let part = conversation.lastPart(ofTypes: types), part.authorType == "bot"
        else { return nil }
        return (botRoute, part)
    }

    /// The draft around an item's properties: the key, the timestamp, the session inputs.
    func draft(
        route: TopicRoute, eventName: String, notification: IntercomNotification, itemID: String, moment: Int?,
        properties: [EventProperty], contact: IntercomConversation.Contact?, itemSessionAttribute: String?,
        itemSessionSource: SessionLink.Source, part: IntercomConversation.Part? = nil
    ) -> EventDraft {
        let key: String
        if route.key == .part, let partID = part?.id {
            key = IdempotencyKey.forPart(conversationID: itemID, partID: partID, eventName: eventName)
        } else if route.key == .part, let partMoment = part?.createdAt {
            // A part without an id: its moment, under the event's own topic (the same whichever topic brought it).
            key = IdempotencyKey.forConversation(topic: route.topic, conversationID: itemID, moment: partMoment, eventName: eventName)
        } else {
            key =
                notification.id.map { IdempotencyKey.forNotification(id: $0, eventName: eventName) }
                ?? IdempotencyKey.forConversation(topic: route.topic, conversationID: itemID, moment: moment, eventName: eventName)
        }
        return EventDraft(
            route: route, eventName: eventName, notificationID: notification.id, appID: notification.appID, itemID: itemID,
            timestamp: moment.map { ISO8601.format(unixSeconds: $0) }, momentSeconds: moment, properties: properties, idempotencyKey: key,
            contactID: contact?.id, externalID: contact?.externalID, itemSessionAttribute: itemSessionAttribute,
            itemSessionSource: itemSessionSource, isIntercomRetry: (notification.deliveryAttempts ?? 1) > 1)
    }

    private func momentPart(_ moment: TopicRoute.Moment, _ conversation: IntercomConversation)
        -> IntercomConversation.Part?
    {
        guard case .part(let types) = moment else { return nil }
        return conversation.lastPart(ofTypes: types)
    }

    private func momentTime(
        _ moment: TopicRoute.Moment, _ conversation: IntercomConversation, _ part: IntercomConversation.Part?
    ) -> Int? {
        switch moment {
        case .created: conversation.createdAt
        case .rating: conversation.rating?.ratedAt
        case .part: part?.createdAt
        case .ticketStateChange: nil
        }
    }

    private func teammate(
        _ moment: TopicRoute.Moment, _ conversation: IntercomConversation, _ part: IntercomConversation.Part?
    ) -> IntercomConversation.Teammate? {
        if case .rating = moment, let rated = Self.named(conversation.rating?.teammate, from: conversation.assignee) {
            return rated
        }
        return Self.teammate(authorOf: part) ?? conversation.assignee
    }

    /// A rated teammate, named from the assignee when it is the same person (ratings name teammates by id only).
    static func named(_ teammate: IntercomConversation.Teammate?, from assignee: IntercomConversation.Teammate?)
        -> IntercomConversation.Teammate?
    {
        guard var teammate else { return nil }
        if teammate.name == nil, assignee?.id == teammate.id { teammate.name = assignee?.name }
        return teammate
    }

    /// The author of a part, unless the customer wrote it.
    static func teammate(authorOf part: IntercomConversation.Part?) -> IntercomConversation.Teammate? {
        guard let part, let author = part.author, !["user", "lead", "contact"].contains(part.authorType ?? "") else {
            return nil
        }
        return author
    }

    private func properties(
        _ route: TopicRoute, _ notification: IntercomNotification, _ conversation: IntercomConversation,
        _ part: IntercomConversation.Part?
    ) -> [EventProperty] {
        var rating: IntercomConversation.Rating?
        if case .rating = route.moment { rating = conversation.rating }
        return conversationProperties(
            topic: route.topic, appID: notification.appID, conversation: conversation,
            teammate: teammate(route.moment, conversation, part), rating: rating)
    }

    /// A conversation event's properties (webhooks and the backfill build the same ones).
    func conversationProperties(
        topic: String, appID: String?, conversation: IntercomConversation, teammate: IntercomConversation.Teammate?,
        rating: IntercomConversation.Rating?
    ) -> [EventProperty] {
        var properties: [EventProperty] = []
        properties.reserveCapacity(24)
        properties.append(EventProperty("conversation_id", .string(conversation.id)))
        properties.append(EventProperty("intercom_topic", .string(topic)))
        if let appID {
            properties.append(EventProperty("intercom_app_id", .string(appID)))
        }
        if let url = conversation.webURL ?? appID.map({ inboxURL(appID: $0, conversationID: conversation.id) }) {
            properties.append(EventProperty("conversation_url", .string(url)))
        }
        if let contactID = conversation.contact?.id {
            properties.append(EventProperty("contact_id", .string(contactID)))
        }
        if let pageURL = conversation.pageURL {
            properties.append(EventProperty("page_url", .string(pageURLPolicy.apply(to: pageURL))))
        }
        Self.append(teammate, to: &properties)
        Self.append(rating, to: &properties)
        if !conversation.tags.isEmpty {
            properties.append(EventProperty("tags", .strings(conversation.tags)))
        }
        if let priority = conversation.priority {
            properties.append(EventProperty("priority", .string(priority)))
        }
        if let participated = conversation.aiAgentParticipated {
            properties.append(EventProperty("ai_agent_participated", .bool(participated)))
        }
        if let state = conversation.aiAgentResolutionState {
            properties.append(EventProperty("ai_agent_resolution_state", .string(state)))
        }
        if let rating = conversation.aiAgentRating {
            properties.append(EventProperty("ai_agent_rating", .int(rating)))
        }
        for statistic in conversation.statistics {
            properties.append(EventProperty(statistic.name, .int(statistic.value)))
        }
        return properties
    }

    static func append(_ teammate: IntercomConversation.Teammate?, to properties: inout [EventProperty]) {
        guard let teammate else { return }
        properties.append(EventProperty("teammate_id", .string(teammate.id)))
        if let name = teammate.name { properties.append(EventProperty("teammate_name", .string(name))) }
        // `bot` tells Fin from a person (a close by Fin, a Fin reply).
        if let type = teammate.type { properties.append(EventProperty("teammate_type", .string(type))) }
    }

    static func append(_ rating: IntercomConversation.Rating?, to properties: inout [EventProperty]) {
        guard let rating else { return }
        properties.append(EventProperty("rating", .int(rating.score)))
        if let remark = rating.remark { properties.append(EventProperty("remark", .string(remark))) }
    }

    /// Inbox link (Intercom's current URL scheme); tickets live at the same address as conversations.
    func inboxURL(appID: String, conversationID: String) -> String {
        "\(inboxBaseURL)/a/inbox/\(appID)/inbox/conversation/\(conversationID)"
    }
}
