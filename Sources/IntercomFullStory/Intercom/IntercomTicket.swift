import FlatJSON

/// The ticket of a `ticket.*` notification, in both payload shapes: the ticket is `data.item` (2.9 to 2.14, and
/// `ticket.resolved`, `ticket.created`… from 2.15), or nested at `data.item.ticket` (`ticket.closed` from 2.15).
/// Decoding is tolerant: ids as strings or numbers (`"0"` means no assignee), any field missing or null.
/// Ticket attributes (title, description: what the customer wrote) are read only for the session attribute.
public struct IntercomTicket: Sendable {
    public struct State: Sendable, Equatable {
        /// The teammate-facing label (`internal_label`), or the state itself when it is a plain string.
        public var label: String
        /// `submitted`, `in_progress`, `waiting_on_customer`, `resolved`…
        public var category: String?
    }

    /// Intercom's `id` of the ticket: what the API and the inbox use.
    public var id: String
    /// Intercom's `ticket_id`: the reference the customer sees.
    public var number: String?
    /// Whether the ticket came nested at `data.item.ticket` (the 2.15+ `ticket.closed` shape).
    public var nested: Bool
    public var typeName: String?
    /// `Customer`, `Back-office`, `Tracker` (the ticket's, else its type's).
    public var category: String?
    public var state: State?
    public var contact: IntercomConversation.Contact?
    public var assignee: IntercomConversation.Teammate?
    public var teamID: String?
    public var createdAt: Int?
    public var updatedAt: Int?
    /// The first conversation among `linked_objects`.
    public var linkedConversationID: String?
    public var rating: IntercomConversation.Rating?
    /// The newest part that changed the ticket's state (its time and author), when the payload has one.
    public var stateChange: IntercomConversation.Part?
    /// `ticket_attributes`, kept only for the session lookup.
    public var attributes: JSONValue?

    /// `nil` unless `item` (or `item.ticket`) is a ticket with an id.
    public init?(_ item: JSONValue) {
        let ticket: JSONValue
        if item["type"]?.isString("ticket") == true {
            ticket = item
            nested = false
        } else if let inner = item["ticket"], inner["type"]?.isString("ticket") == true {
            ticket = inner
            nested = true
        } else {
            return nil
        }
        guard let id = ticket["id"]?.identifier else { return nil }
        self.id = id
        number = ticket["ticket_id"]?.identifier
        typeName = ticket["ticket_type", "name"]?.nonEmptyString
        category = ticket["category"]?.nonEmptyString ?? ticket["ticket_type", "category"]?.nonEmptyString
        state = Self.state(ticket["ticket_state"])
        let contacts = ticket["contacts", "contacts"] ?? ticket["contacts"]
        contact = contacts?.elements.first { $0.kind == .object }.map {
            IntercomConversation.Contact(id: $0["id"]?.identifier, externalID: $0["external_id"]?.identifier)
        }
        assignee = ticket["admin_assignee_id"]?.identifier.flatMap { $0 == "0" ? nil : IntercomConversation.Teammate(id: $0, name: nil) }
        teamID = ticket["team_assignee_id"]?.identifier.flatMap { $0 == "0" ? nil : $0 }
        createdAt = ticket["created_at"]?.unixTimestamp
        updatedAt = ticket["updated_at"]?.unixTimestamp
        linkedConversationID = ticket["linked_objects", "data"]?.elements
            .first { $0["type"]?.isString("conversation") == true }?["id"]?.identifier
        // Where the rating sits in `ticket.rating.provided` is not documented: a rating object of its own, the
        // conversation-style one, or `rating`/`remark` on the ticket itself (then its `updated_at` is the time).
        let candidates = [ticket["ticket_rating"], ticket["conversation_rating"], item["ticket_rating"], item["conversation_rating"], ticket]
        rating = candidates.lazy.compactMap { IntercomConversation.rating($0) }.first
        stateChange = Self.stateChange(ticket["ticket_parts", "ticket_parts"] ?? ticket["ticket_parts"])
        attributes = ticket["ticket_attributes"].flatMap { $0.kind == .object ? $0 : nil }
    }

    private static func state(_ value: JSONValue?) -> State? {
        guard let value else { return nil }
        if let text = value.nonEmptyString { return State(label: text, category: text) }
        let category = value["category"]?.nonEmptyString
        guard let label = value["internal_label"]?.nonEmptyString ?? value["external_label"]?.nonEmptyString ?? category else {
            return nil
        }
        return State(label: label, category: category)
    }

    private static func stateChange(_ parts: JSONValue?) -> IntercomConversation.Part? {
        guard let parts else { return nil }
        var found: JSONValue?
        for part in parts.elements {
            if let type = part["part_type"]?.string, type.utf8.starts(with: "ticket_state".utf8) { found = part }
        }
        return found.flatMap(IntercomConversation.part)
    }
}
