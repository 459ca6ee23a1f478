import Budget
import IntercomFullStory
import Logging
import ServiceClients

/// Session pinning (`INTERCOM_PIN_SESSIONS=true`): finds the session a new conversation is happening in and
/// writes it on the conversation, so that every later event of the conversation carries it (the first step of
/// linking). Finding: the contact's attribute, else FullStory's List Sessions for the contact's `external_id`,
/// accepting the newest session only inside `SessionFreshness`'s window. Only a
/// conversation begun in the Messenger is pinned, whatever the session's source: another channel's (an email) has no
/// session of its own, and the contact's attribute would name an unrelated visit.
/// `WebhookDelivery` decides when; this type knows how.
final class SessionPinner {
    let attribute: String
    private let conversations: IntercomConversationClient
    /// `nil` without a FullStory key: pins then come from the contact's attribute alone.
    private let sessions: FullStorySessionsClient?
    private let orgID: String?
    private let fullStoryAPIURL: String
    private let refusals: OncePerCause

    init(
        attribute: String, conversations: IntercomConversationClient, sessions: FullStorySessionsClient?, orgID: String?,
        fullStoryAPIURL: String, refusals: OncePerCause = OncePerCause()
    ) {
        self.refusals = refusals
        self.attribute = attribute
        self.conversations = conversations
        self.sessions = sessions
        self.orgID = orgID
        self.fullStoryAPIURL = fullStoryAPIURL
    }

    /// What a read of a conversation's pin found.
    enum Reading: Equatable {
        case pinned(SessionPin)
        case none
        /// The conversation is gone (404): nothing to pin.
        case gone
        /// Intercom refused the read for a reason only an operator can fix (401, 403): logged once per cause.
        case refused(cause: String)
        /// The read failed otherwise (429, 5xx, a timeout): whether a pin is there is not known.
        case unknown
    }

    /// The pin a conversation holds: on Intercom's retry of a webhook, the one an earlier attempt may have written
    /// (it wins over a new search, so that the retry sends the same Opened event); for a ticket, its linked
    /// conversation's; before redelivery writes a queued pin.
    func pinWritten(
        onConversation conversationID: String, attribute: String? = nil, source: SessionLink.Source, budget: TimeBudget, logger: Logger
    ) -> Reading {
        do {
            guard let text = try conversations.attribute(attribute ?? self.attribute, conversationID: conversationID, budget: budget)
            else { return .none }
            guard let session = FullStorySessionID(parsing: text) else { return .none }
            return .pinned(SessionPin(session: session, source: source, link: text, orgID: nil, fullStoryAPIURL: fullStoryAPIURL))
        } catch {
            // The read's refusals are judged as the write's are.
            if case .status(let status) = error, IntercomRefusal.isTokenRefusal(status: status) {
                let cause = "Intercom answered \(status) to reading a conversation"
                logRefusal(
                    "Intercom refused to read the conversation's pin", cause: cause,
                    fix: IntercomRefusal.fix(status: status, code: nil, permission: ConversationUpdate.readPermission), logger: logger)
                return .refused(cause: cause)
            }
            if case .status(404) = error { return .gone }
            logger.warning("cannot read the conversation's pin", metadata: ["conversationId": "\(conversationID)", "error": "Intercom \(error)"])
            return .unknown
        }
    }

    /// The session to pin, for a conversation begun in the Messenger: the contact's attribute, else List Sessions'
    /// newest for `externalID`.
    func resolve(
        _ target: PinTarget, contactAttribute: String?, externalID: String?, lookup: TimeBudget, logger: Logger
    ) -> (pin: SessionPin?, report: PinReport) {
        func none(_ reason: String, listed: Bool = false) -> (SessionPin?, PinReport) {
            (nil, PinReport(outcome: .noSession(reason: reason), listedSessions: listed))
        }
        guard target.startedInMessenger else { return none("the conversation did not begin in the Messenger") }
        if let text = contactAttribute, let session = FullStorySessionID(parsing: text) {
            let pin = pin(session, source: .contactAttribute, link: text)
            return (pin, PinReport(outcome: .pinned, source: .contactAttribute))
        }
        guard let uid = externalID?.trimmingASCIIWhitespace(), !uid.isEmpty, uid.utf8.count <= 256 else {
            return none("the contact has no session attribute and no external_id")
        }
        guard let sessions else { return none("no FullStory key to list sessions") }
        guard target.conversationCreatedAt != nil else { return none("the conversation has no created_at") }
        let newest: ListedSession?
        do {
            newest = try sessions.newestSession(uid: uid, budget: lookup)
        } catch {
            logger.warning("List Sessions failed; the conversation is not pinned", metadata: ["error": "FullStory \(error)"])
            return none("List Sessions failed", listed: true)
        }
        guard let newest else { return none("FullStory lists no session for the user", listed: true) }
        guard target.accepts(newest) else {
            return none("the user's newest session did not begin within 24 h before the conversation", listed: true)
        }
        return (pin(newest.id, source: .listSessions, link: newest.replayURL), PinReport(outcome: .pinned, source: .listSessions, listedSessions: true))
    }

    private func pin(_ session: FullStorySessionID, source: SessionLink.Source, link: String?) -> SessionPin {
        SessionPin(session: session, source: source, link: link, orgID: orgID, fullStoryAPIURL: fullStoryAPIURL)
    }

    /// Writes `pin` on the conversation, into `attribute` (a queued pin names its own). A refusal is logged at
    /// error level once per cause, with its fix.
    func write(
        _ pin: SessionPin, conversationID: String, attribute: String? = nil, timeoutMilliseconds: Int, logger: Logger
    ) -> IntercomConversationClient.Write {
        let attribute = attribute ?? self.attribute
        let write = conversations.write(attribute, value: pin.attributeValue, conversationID: conversationID, timeoutMilliseconds: timeoutMilliseconds)
        switch write {
        case .written:
            logger.info("session pinned on the conversation", metadata: ["conversationId": "\(conversationID)", "sessionSource": "\(pin.source.rawValue)"])
        case .unavailable(let reason):
            logger.warning("cannot write the pin on the conversation", metadata: ["conversationId": "\(conversationID)", "reason": "\(reason)"])
        case .refused(let cause, let fix):
            logRefusal("Intercom refused to write the session on the conversation", cause: cause, fix: fix, logger: logger)
        case .conversationGone:
            logger.info("the conversation is gone; nothing to pin", metadata: ["conversationId": "\(conversationID)"])
        }
        return write
    }

    /// A refusal of a read or a write: an error line naming the fix, once per cause and process.
    private func logRefusal(_ what: String, cause: String, fix: String, logger: Logger) {
        guard refusals.isFirst(cause) else { return }
        logger.error(
            "\(what): \(fix). Pins are not retried; this is logged once per cause",
            metadata: ["cause": "\(cause)", "attribute": "\(attribute)"])
    }
}
