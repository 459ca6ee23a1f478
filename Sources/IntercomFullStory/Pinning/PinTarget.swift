/// A conversation that pinning may write on: one the customer opened (`conversation.user.created`) whose payload is
/// of API 2.x, the generation that carries the conversation's `custom_attributes` and `source.type` (1.x carries
/// neither, so its conversations are not pinned).
public struct PinTarget: Sendable, Equatable {
    public var conversationID: String
    /// Unix seconds; without it List Sessions' answer cannot be judged, and only the contact's attribute pins.
    public var conversationCreatedAt: Int?
    /// `source.type` is `conversation`: the customer wrote in the Messenger, so a FullStory session was live (an
    /// email or another channel has none worth looking for).
    public var startedInMessenger: Bool
    public init(conversationID: String, conversationCreatedAt: Int?, startedInMessenger: Bool) {
        self.conversationID = conversationID
        self.conversationCreatedAt = conversationCreatedAt
        self.startedInMessenger = startedInMessenger
    }

    /// The topic a customer's new conversation arrives with.
    public static let topic = "conversation.user.created"

    /// Whether List Sessions' newest session for the contact may be this conversation's.
    public func accepts(_ session: ListedSession) -> Bool {
        guard let conversationCreatedAt else { return false }
        return SessionFreshness.accepts(sessionCreatedAt: session.createdAt, conversationCreatedAt: conversationCreatedAt)
    }
}
