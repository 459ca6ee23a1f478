/// A conversation notification turned into everything the FullStory event needs except the session link,
/// which may depend on a contact lookup done by the caller.
public struct EventDraft: Sendable {
    public var route: TopicRoute
    public var notificationID: String?
    /// The workspace the notification came from (`app_id`).
    public var appID: String?
    public var conversationID: String
    public var timestamp: String?
    public var properties: [EventProperty]
    public var idempotencyKey: String
    /// The contact whose custom attributes may hold the session (`nil` when the payload names none).
    public var contactID: String?
    public var externalID: String?
    /// The session attribute on the conversation itself, when present.
    public var conversationSessionAttribute: String?

    /// Whether a contact lookup could still improve the link: the conversation does not carry a usable
    /// session and the contact is known.
    public var wantsContactLookup: Bool {
        contactID != nil && conversationSessionAttribute.flatMap(FullStorySessionID.init(parsing:)) == nil
    }

    /// The final event, given the contact's session attribute (from the lookup; `nil` when none was done or
    /// it failed).
    public func event(contactSessionAttribute: String?) -> FullStoryEvent {
        let link = SessionResolver.resolve(
            conversationAttribute: conversationSessionAttribute, contactAttribute: contactSessionAttribute,
            externalID: externalID)
        return FullStoryEvent(
            name: route.eventName, timestamp: timestamp, properties: properties, link: link,
            idempotencyKey: idempotencyKey)
    }
}
