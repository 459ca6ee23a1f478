/// How an event is tied to a FullStory session. FullStory rejects a request that names a session and a user
/// together, so this is one choice, never a combination.
public enum SessionLink: Sendable, Equatable {
    /// `session.id`: the exact session the customer chatted from.
    case session(FullStorySessionID, source: Source)
    /// `user.uid` + `session.use_most_recent`: the user's latest session (within FullStory's 30 minutes).
    case mostRecentSessionOfUser(uid: String)
    /// `user.uid` alone: the event goes on the user, without a session (for past events, where "the most
    /// recent session" would be whatever session is live now).
    case user(uid: String)
    /// Neither is known: the event is recorded without a session.
    case unlinked

    public enum Source: String, Sendable, CaseIterable {
        case conversationAttribute = "conversation_attribute"
        case ticketAttribute = "ticket_attribute"
        case contactAttribute = "contact_attribute"
        /// FullStory's List Sessions, when pinning a new conversation.
        case listSessions = "list_sessions"
        /// A ticket's linked conversation, pinned (read with pinning on).
        case linkedConversationAttribute = "linked_conversation_attribute"
    }

    /// A short label for logs and the local table.
    public var label: String {
        switch self {
        case .session(_, let source): "session (\(source.rawValue))"
        case .mostRecentSessionOfUser: "user.uid + most recent session"
        case .user: "user.uid"
        case .unlinked: "unlinked"
        }
    }
}

/// The session decision, kept pure: the caller performs the contact lookup (if any) and passes its result in.
public enum SessionResolver {
    /// - Parameters:
    ///   - conversationAttribute: the session attribute on the conversation's `custom_attributes`, if present.
    ///   - contactAttribute: the same attribute on the contact (from the caller's lookup), if known.
    ///   - externalID: the contact's `external_id` from the payload.
    public static func resolve(conversationAttribute: String?, contactAttribute: String?, externalID: String?)
        -> SessionLink
    {
        resolve(
            itemAttribute: conversationAttribute, itemSource: .conversationAttribute, contactAttribute: contactAttribute,
            externalID: externalID)
    }

    /// The same for any item: `itemAttribute` is the conversation's or the ticket's own attribute.
    public static func resolve(
        itemAttribute: String?, itemSource: SessionLink.Source, contactAttribute: String?, externalID: String?
    ) -> SessionLink {
        if let text = itemAttribute, let id = FullStorySessionID(parsing: text) {
            return .session(id, source: itemSource)
        }
        if let text = contactAttribute, let id = FullStorySessionID(parsing: text) {
            return .session(id, source: .contactAttribute)
        }
        if let uid = externalID?.trimmingASCIIWhitespace(), !uid.isEmpty, uid.utf8.count <= 256 {
            return .mostRecentSessionOfUser(uid: uid)
        }
        return .unlinked
    }
}
