import Budget
import IntercomFullStory
import Logging
import ServiceClients

/// Chooses the FullStory session of a webhook's event, within the lookups' share of its budget: the item's own
/// attribute, a ticket's linked conversation's pin (pinning on), the contact's attribute, and with pinning, the pin of
/// a new conversation (List Sessions when the contact has none). Runs before any destination is called.
final class SessionChooser {
    /// The chosen link (`nil` without FullStory), and with pinning, its report and the pin to write.
    struct Choice {
        var event: FullStoryEvent?
        var report: PinReport?
        /// A pin found for the conversation (not read from it), to write after the events.
        var write: (pin: SessionPin, target: PinTarget)?
        /// False on Intercom's retry when the conversation's pin could not be read: nothing is written over it now.
        var mayOverwrite = true
    }

    private let intercom: IntercomContactClient?
    private let pinner: SessionPinner?
    private let sessionAttribute: String
    /// Whether FullStory is on: without it the contact lookup links nothing (pinning still runs, for later events).
    private let linksEvents: Bool

    init(intercom: IntercomContactClient?, pinner: SessionPinner?, sessionAttribute: String, linksEvents: Bool) {
        self.intercom = intercom
        self.pinner = pinner
        self.sessionAttribute = sessionAttribute
        self.linksEvents = linksEvents
    }

    func choose(_ draft: EventDraft, budget: TimeBudget, logger: Logger) -> Choice {
        let lookup = budget.lookupShare()
        guard let pinner, let target = draft.pinTarget else {
            guard linksEvents else { return Choice(event: nil) }
            // A ticket whose linked conversation was pinned goes on that conversation's session; a refused read of
            // that pin is pinning's refusal (counted, logged once), and the ticket falls back to the contact.
            var refusal: PinReport?
            if let pinner, let linked = draft.linkedConversationID, !draft.hasItemSession {
                switch pinner.pinWritten(onConversation: linked, source: .linkedConversationAttribute, budget: lookup, logger: logger) {
                case .pinned(let pin): return Choice(event: draft.event(pin: pin))
                case .refused(let cause): refusal = PinReport(outcome: .refused(cause: cause))
                case .none, .gone, .unknown: break
                }
            }
            var choice = Choice(event: draft.event(contactSessionAttribute: lookUpSessionAttribute(draft, budget: lookup, logger: logger)))
            choice.report = refusal
            return choice
        }
        var choice = Choice(event: nil)
        var pin = draft.existingPin
        var report = PinReport(outcome: .alreadyPinned, source: .conversationAttribute)
        var refusedRead: String?
        // On Intercom's retry, a pin an earlier attempt wrote wins; when that cannot be read, the new search's pin is
        // not written over what may be there (it is queued for redelivery, which reads again first). A refused read
        // is a refusal like a refused write: nothing written or queued, the webhook answered as if pinning were off.
        if pin == nil, draft.isIntercomRetry, target.startedInMessenger {
            switch pinner.pinWritten(onConversation: target.conversationID, source: .conversationAttribute, budget: lookup, logger: logger) {
            case .pinned(let found): pin = found
            case .none, .gone: break
            case .unknown: choice.mayOverwrite = false
            case .refused(let cause): refusedRead = cause
            }
        }
        var contactAttribute: String?
        if pin == nil {
            contactAttribute = lookUpSessionAttribute(draft, budget: lookup, logger: logger)
            (pin, report) = pinner.resolve(
                target, contactAttribute: contactAttribute, externalID: draft.externalID, lookup: lookup, logger: logger)
        }
        if linksEvents { choice.event = pin.map(draft.event(pin:)) ?? draft.event(contactSessionAttribute: contactAttribute) }
        if let refusedRead {
            choice.report = PinReport(outcome: .refused(cause: refusedRead), source: report.source, listedSessions: report.listedSessions)
            return choice
        }
        if let pin, pin.needsWriting { choice.write = (pin, target) }
        choice.report = report
        return choice
    }

    /// A failed or slow lookup never fails the delivery: the payload's `external_id` is the fallback.
    private func lookUpSessionAttribute(_ draft: EventDraft, budget: TimeBudget, logger: Logger) -> String? {
        guard draft.wantsContactLookup, let intercom, let contactID = draft.contactID else { return nil }
        do {
            return try intercom.sessionAttribute(contactID: contactID, attribute: sessionAttribute, budget: budget)
        } catch {
            logger.warning(
                "contact lookup failed; linking by external_id if present",
                metadata: ["contactId": "\(contactID)", "error": "Intercom \(error)"])
            return nil
        }
    }
}
