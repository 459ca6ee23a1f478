/// Builds the FullStory event draft for a mapped topic. Message text never becomes a property: it is customer
/// content.
public struct EventMapper: Sendable {
    public var sessionAttribute: String
    /// Base of the inbox links, e.g. `https://app.intercom.com` (or the EU/AU host).
    public var inboxBaseURL: String

    public init(sessionAttribute: String, inboxBaseURL: String) {
        self.sessionAttribute = sessionAttribute
        self.inboxBaseURL = inboxBaseURL
    }

    public func draft(route: TopicRoute, notification: IntercomNotification, conversation: IntercomConversation)
        -> EventDraft
    {
        let momentPart = momentPart(route.moment, conversation)
        let moment = momentTime(route.moment, conversation, momentPart) ?? notification.createdAt
        let key =
            notification.id.map { IdempotencyKey.forNotification(id: $0, eventName: route.eventName) }
            ?? IdempotencyKey.forConversation(
                topic: route.topic, conversationID: conversation.id, moment: moment, eventName: route.eventName)
        return EventDraft(
            route: route, notificationID: notification.id, appID: notification.appID, conversationID: conversation.id,
            timestamp: moment.map { ISO8601.format(unixSeconds: $0) },
            properties: properties(route, notification, conversation, momentPart), idempotencyKey: key,
            contactID: conversation.contact?.id, externalID: conversation.contact?.externalID,
            conversationSessionAttribute: conversation.customAttributes?[sessionAttribute]?.nonEmptyString)
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
        case .conversationCreated: conversation.createdAt
        case .rating: conversation.rating?.ratedAt
        case .part: part?.createdAt
        }
    }

    private func teammate(
        _ moment: TopicRoute.Moment, _ conversation: IntercomConversation, _ part: IntercomConversation.Part?
    ) -> IntercomConversation.Teammate? {
        if case .rating = moment, var rated = conversation.rating?.teammate {
            // The rating names the teammate by id only; the assignee may be the same person, with a name.
            if rated.name == nil, conversation.assignee?.id == rated.id { rated.name = conversation.assignee?.name }
            return rated
        }
        if let part, let author = part.author, part.authorType != "user", part.authorType != "lead",
            part.authorType != "contact"
        {
            return author
        }
        return conversation.assignee
    }

    private func properties(
        _ route: TopicRoute, _ notification: IntercomNotification, _ conversation: IntercomConversation,
        _ part: IntercomConversation.Part?
    ) -> [EventProperty] {
        var properties: [EventProperty] = []
        properties.reserveCapacity(24)
        properties.append(EventProperty("conversation_id", .string(conversation.id)))
        properties.append(EventProperty("intercom_topic", .string(route.topic)))
        if let appID = notification.appID {
            properties.append(EventProperty("intercom_app_id", .string(appID)))
        }
        if let url = conversation.webURL ?? notification.appID.map({ inboxURL(appID: $0, conversationID: conversation.id) }) {
            properties.append(EventProperty("conversation_url", .string(url)))
        }
        if let contactID = conversation.contact?.id {
            properties.append(EventProperty("contact_id", .string(contactID)))
        }
        if let pageURL = conversation.pageURL {
            properties.append(EventProperty("page_url", .string(pageURL)))
        }
        if let teammate = teammate(route.moment, conversation, part) {
            properties.append(EventProperty("teammate_id", .string(teammate.id)))
            if let name = teammate.name { properties.append(EventProperty("teammate_name", .string(name))) }
        }
        if case .rating = route.moment, let rating = conversation.rating {
            properties.append(EventProperty("rating", .int(rating.score)))
            if let remark = rating.remark { properties.append(EventProperty("remark", .string(remark))) }
        }
        if !conversation.tags.isEmpty {
            properties.append(EventProperty("tags", .strings(conversation.tags)))
        }
        if let priority = conversation.priority {
            properties.append(EventProperty("priority", .string(priority)))
        }
        for statistic in conversation.statistics {
            properties.append(EventProperty(statistic.name, .int(statistic.value)))
        }
        return properties
    }

    /// Inbox link (Intercom's current URL scheme).
    func inboxURL(appID: String, conversationID: String) -> String {
        "\(inboxBaseURL)/a/inbox/\(appID)/inbox/conversation/\(conversationID)"
    }
}
