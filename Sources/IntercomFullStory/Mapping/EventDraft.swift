/// A notification turned into everything the FullStory event needs except the session link, which may depend
/// on a contact lookup done by the caller.
public struct EventDraft: Sendable {
    /// The route of the event: the delivered topic's, or for a bot's reply the bot-reply topic's.
    public var route: TopicRoute
    /// The event's name: the route's, or its variant for a shape (`ticket.closed` before 2.15).
    public var eventName: String
    public var notificationID: String?
    /// The workspace the notification came from (`app_id`).
    public var appID: String?
    /// The conversation's or the ticket's id.
    public var itemID: String
    public var timestamp: String?
    /// The event's moment in Unix seconds (`timestamp`'s instant), for destinations that want a number.
    public var momentSeconds: Int?
    public var properties: [EventProperty]
    public var idempotencyKey: String
    /// The contact whose custom attributes may hold the session (`nil` when the payload names none).
    public var contactID: String?
    public var externalID: String?
    /// The session attribute on the item itself (a conversation or ticket attribute), when present.
    public var itemSessionAttribute: String?
    /// Where `itemSessionAttribute` comes from, for the link's label.
    public var itemSessionSource: SessionLink.Source
    /// The topic the notification came with, when it differs from `route.topic` (a bot's reply under another reply
    /// topic); see `topic`.
    public var deliveredTopic: String? = nil
    /// The notification's own topic, for logs and the queue message's `origin`.
    public var topic: String { deliveredTopic ?? route.topic }
    /// Intercom's retry of this notification (`delivery_attempts` over 1): an earlier attempt may have delivered the
    /// event, or pinned the conversation.
    public var isIntercomRetry: Bool = false
    /// Set for a customer's new conversation that pinning may write on (`PinTarget`).
    public var pinTarget: PinTarget? = nil
    /// A ticket's linked conversation (`linked_objects`), whose pin may link the ticket's events. Ticket payloads
    /// name it by id only, without its attributes: reading them takes a call.
    public var linkedConversationID: String? = nil

    /// Whether the item itself (the conversation or the ticket) carries a usable session.
    public var hasItemSession: Bool { itemSessionAttribute.flatMap(FullStorySessionID.init(parsing:)) != nil }

    /// Whether a contact lookup could still improve the link: the item does not carry a usable session and
    /// the contact is known.
    public var wantsContactLookup: Bool { contactID != nil && !hasItemSession }

    /// The session already pinned on the conversation (its own attribute), if any.
    public var existingPin: SessionPin? {
        guard itemSessionSource == .conversationAttribute, let text = itemSessionAttribute,
            let session = FullStorySessionID(parsing: text)
        else { return nil }
        return SessionPin(session: session, source: .conversationAttribute, attributeValue: text)
    }

    /// The final event on a pinned session.
    public func event(pin: SessionPin) -> FullStoryEvent {
        FullStoryEvent(
            name: eventName, timestamp: timestamp, properties: properties, link: .session(pin.session, source: pin.source),
            idempotencyKey: idempotencyKey)
    }

    /// The final event, given the contact's session attribute (from the lookup; `nil` when none was done or
    /// it failed).
    public func event(contactSessionAttribute: String?) -> FullStoryEvent {
        let link = SessionResolver.resolve(
            itemAttribute: itemSessionAttribute, itemSource: itemSessionSource, contactAttribute: contactSessionAttribute,
            externalID: externalID)
        return FullStoryEvent(
            name: eventName, timestamp: timestamp, properties: properties, link: link, idempotencyKey: idempotencyKey)
    }
}
