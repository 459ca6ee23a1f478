/// The session a conversation is pinned to, and what pinning writes into the conversation's attribute: a replay
/// link when one is known (the contact's attribute when it is a link, List Sessions' `fsUrl`, or one built from
/// the org id), else the id `device:session`. Pure.
public struct SessionPin: Sendable, Equatable {
    public var session: FullStorySessionID
    /// Where it was found: the conversation's own attribute (already pinned), the contact's, or List Sessions.
    public var source: SessionLink.Source
    public var attributeValue: String

    /// - Parameters:
    ///   - link: a replay link that came with the session (checked: it is used only when it names this session).
    ///   - orgID: `FULLSTORY_ORG_ID`, to build a link when none came.
    public init(session: FullStorySessionID, source: SessionLink.Source, link: String?, orgID: String?, fullStoryAPIURL: String) {
        self.session = session
        self.source = source
        attributeValue =
            SessionReplayURL.link(link, to: session)
            ?? orgID.flatMap { SessionReplayURL.make(orgID: $0, session: session, fullStoryAPIURL: fullStoryAPIURL) }
            ?? session.value
    }

    init(session: FullStorySessionID, source: SessionLink.Source, attributeValue: String) {
        self.session = session
        self.source = source
        self.attributeValue = attributeValue
    }

    /// Only a session found for the conversation (not one read from a conversation) is written.
    public var needsWriting: Bool { source == .contactAttribute || source == .listSessions }
}
