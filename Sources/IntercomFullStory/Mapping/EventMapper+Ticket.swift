extension EventMapper {
    /// A ticket's event: created, state changed, resolved, closed or rated. The ticket's own attributes (its
    /// title and description are the customer's words) are never sent; only the session attribute is read.
    public func draft(route: TopicRoute, notification: IntercomNotification, ticket: IntercomTicket) -> EventDraft {
        let eventName = ticket.nested ? route.eventName : route.unnestedEventName ?? route.eventName
        let moment: Int?
        switch route.moment {
        case .created: moment = ticket.createdAt
        case .rating: moment = ticket.rating?.ratedAt ?? ticket.updatedAt
        case .ticketStateChange, .part: moment = ticket.stateChange?.createdAt ?? ticket.updatedAt
        }
        var draft = draft(
            route: route, eventName: eventName, notification: notification, itemID: ticket.id,
            moment: moment ?? notification.createdAt, properties: properties(route, notification, ticket),
            contact: ticket.contact, itemSessionAttribute: ticket.attributes?[sessionAttribute]?.nonEmptyString,
            itemSessionSource: .ticketAttribute)
        draft.linkedConversationID = ticket.linkedConversationID
        return draft
    }

    private func properties(_ route: TopicRoute, _ notification: IntercomNotification, _ ticket: IntercomTicket)
        -> [EventProperty]
    {
        var properties: [EventProperty] = []
        properties.reserveCapacity(16)
        properties.append(EventProperty("ticket_id", .string(ticket.id)))
        if let number = ticket.number { properties.append(EventProperty("ticket_number", .string(number))) }
        properties.append(EventProperty("intercom_topic", .string(route.topic)))
        if let appID = notification.appID {
            properties.append(EventProperty("intercom_app_id", .string(appID)))
            properties.append(EventProperty("ticket_url", .string(inboxURL(appID: appID, conversationID: ticket.id))))
        }
        if let typeName = ticket.typeName { properties.append(EventProperty("ticket_type", .string(typeName))) }
        if let category = ticket.category { properties.append(EventProperty("ticket_category", .string(category))) }
        if let state = ticket.state {
            properties.append(EventProperty("ticket_state", .string(state.label)))
            if let category = state.category { properties.append(EventProperty("ticket_state_category", .string(category))) }
        }
        if let contactID = ticket.contact?.id { properties.append(EventProperty("contact_id", .string(contactID))) }
        let teammate: IntercomConversation.Teammate?
        switch route.moment {
        case .rating: teammate = Self.named(ticket.rating?.teammate, from: ticket.assignee) ?? ticket.assignee
        case .created: teammate = ticket.assignee
        case .ticketStateChange, .part: teammate = Self.teammate(authorOf: ticket.stateChange) ?? ticket.assignee
        }
        Self.append(teammate, to: &properties)
        if let team = ticket.teamID { properties.append(EventProperty("team_id", .string(team))) }
        if let conversation = ticket.linkedConversationID {
            properties.append(EventProperty("linked_conversation_id", .string(conversation)))
        }
        if case .rating = route.moment { Self.append(ticket.rating, to: &properties) }
        return properties
    }
}
