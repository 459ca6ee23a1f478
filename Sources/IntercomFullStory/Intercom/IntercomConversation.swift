import FlatJSON

/// The conversation item of a notification, read from both payload generations: 2.x (`contacts`, `source`,
/// `teammates`, `admin_assignee_id`, `statistics`) and 1.x (`user`, `assignee`, `conversation_message`).
public struct IntercomConversation: Sendable {
    public struct Teammate: Sendable, Equatable {
        public var id: String
        public var name: String?
        /// `admin`, `bot` (Fin, Intercom's AI agent), `team`…, when the payload says.
        public var type: String?

        public init(id: String, name: String?, type: String? = nil) {
            self.id = id
            self.name = name
            self.type = type
        }
    }

    public struct Contact: Sendable, Equatable {
        /// Intercom's contact id (2.x `contacts[].id`, 1.x `user.id`).
        public var id: String?
        /// The application's user id (2.x `external_id`, 1.x `user.user_id`).
        public var externalID: String?
    }

    public struct Rating: Sendable, Equatable {
        public var score: Int
        public var remark: String?
        public var ratedAt: Int?
        public var teammate: Teammate?
    }

    public struct Part: Sendable, Equatable {
        /// Intercom's id of the part (a string of digits; a number in some payloads).
        public var id: String?
        public var partType: String
        public var createdAt: Int?
        public var author: Teammate?
        public var authorType: String?
        public var assignedTo: Teammate?
    }

    public var id: String
    public var createdAt: Int?
    public var updatedAt: Int?
    public var contact: Contact?
    /// Where the conversation began (`source.url`, 1.x `conversation_message.url`).
    public var pageURL: String?
    /// How the conversation began (2.x `source.type`: `conversation` for the Messenger, `email`, …); `nil` in 1.x.
    public var sourceType: String?
    /// The inbox link when the payload carries one (1.x `links.conversation_web`).
    public var webURL: String?
    public var assignee: Teammate?
    public var tags: [String]
    public var priority: String?
    public var state: String?
    public var rating: Rating?
    /// The `conversation_parts` list as delivered; parts are decoded on demand (`lastPart(ofTypes:)`), since
    /// an event needs one of them at most.
    public var partList: JSONValue?
    /// Duration and count statistics (seconds or counts), in payload order; absent and null ones are left out.
    public var statistics: [(name: String, value: Int)]
    /// Conversation custom attributes (2.x), kept for the session lookup.
    public var customAttributes: JSONValue?
    /// Fin, Intercom's AI agent: whether it took part, how its part ended (`ai_agent.resolution_state`, as the
    /// app's API version writes it: `routed_to_team` and `abandoned` became `escalated` and `negative_feedback` in
    /// 2.15, which added `procedure_handoff`) and its own rating.
    /// The last close (`statistics.last_close_at`, `last_closed_by_id`): what a search result tells of closes.
    public var lastCloseAt: Int?
    public var lastClosedByID: String?
    public var aiAgentParticipated: Bool?
    public var aiAgentResolutionState: String?
    public var aiAgentRating: Int?

    /// Statistics forwarded to FullStory: durations in seconds and counts.
    public static let forwardedStatistics = [
        "time_to_assignment", "time_to_admin_reply", "time_to_first_close", "time_to_last_close",
        "median_time_to_reply", "handling_time", "count_reopens", "count_assignments", "count_conversation_parts",
    ]

    /// `nil` when the item is not a conversation with an id (for instance a `conversation.deleted` stub).
    public init?(_ item: JSONValue) {
        guard item["type"]?.isString("conversation") == true, let id = item["id"]?.identifier else { return nil }
        self.id = id
        createdAt = item["created_at"]?.unixTimestamp
        updatedAt = item["updated_at"]?.unixTimestamp
        contact = Self.contact(item)
        pageURL = item["source", "url"]?.nonEmptyString ?? item["conversation_message", "url"]?.nonEmptyString
        webURL = item["links", "conversation_web"]?.nonEmptyString
        sourceType = item["source", "type"]?.nonEmptyString
        assignee = Self.assignee(item)
        tags = Self.tags(item)
        priority = item["priority"]?.nonEmptyString
        state = item["state"]?.nonEmptyString
        rating = Self.rating(item["conversation_rating"])
        partList = item["conversation_parts"].flatMap { $0["conversation_parts"] ?? ($0.kind == .array ? $0 : nil) }
        statistics = Self.statistics(item["statistics"])
        customAttributes = item["custom_attributes"].flatMap { $0.kind == .object ? $0 : nil }
        lastCloseAt = item["statistics", "last_close_at"]?.unixTimestamp
        lastClosedByID = item["statistics", "last_closed_by_id"]?.identifier
        aiAgentParticipated = item["ai_agent_participated"]?.bool
        aiAgentResolutionState = item["ai_agent", "resolution_state"]?.nonEmptyString
        aiAgentRating = item["ai_agent", "rating"]?.int
    }

    private static func teammate(_ value: JSONValue?) -> Teammate? {
        guard let value, let id = value["id"]?.identifier else { return nil }
        return Teammate(id: id, name: value["name"]?.nonEmptyString, type: value["type"]?.nonEmptyString)
    }

    private static func contact(_ item: JSONValue) -> Contact? {
        // 2.x: {"contacts": {"type": "contact.list", "contacts": [...]}}; old 2.x docs: a bare array.
        let list = item["contacts", "contacts"] ?? item["contacts"]
        if let first = list?.elements.first(where: { $0.kind == .object }) {
            return Contact(id: first["id"]?.identifier, externalID: first["external_id"]?.identifier)
        }
        if let user = item["user"], user.kind == .object {
            return Contact(id: user["id"]?.identifier, externalID: user["user_id"]?.identifier)
        }
        return nil
    }

    private static func assignee(_ item: JSONValue) -> Teammate? {
        if let assignee = item["assignee"], assignee["type"]?.string != "nobody_admin", let found = teammate(assignee) {
            return found
        }
        if let id = item["admin_assignee_id"]?.identifier, id != "0" {
            // The name is not in 2.x payloads; `teammates.admins` may have it in future versions.
            let admins = item["teammates", "admins"] ?? item["teammates", "teammates"]
            let name = admins?.elements.first { $0["id"]?.identifier == id }?["name"]?.nonEmptyString
            return Teammate(id: id, name: name)
        }
        return nil
    }

    private static func tags(_ item: JSONValue) -> [String] {
        guard let list = item["tags", "tags"] ?? item["tags"] else { return [] }
        return list.elements.compactMap { $0["name"]?.nonEmptyString }
    }

    static func rating(_ value: JSONValue?) -> Rating? {
        // Unrated conversations carry `null`, `{}` or an object of nulls.
        guard let value, let score = value["rating"]?.int else { return nil }
        return Rating(
            score: score, remark: value["remark"]?.nonEmptyString,
            // `replied_at` (search results) or `updated_at` is when the customer rated; `created_at` is when the
            // rating was asked for, the last resort.
            ratedAt: value["replied_at"]?.unixTimestamp ?? value["updated_at"]?.unixTimestamp ?? value["created_at"]?.unixTimestamp,
            teammate: teammate(value["teammate"]))
    }

    /// The newest part (last in the list) whose `part_type` is one of `types`.
    public func lastPart(ofTypes types: [String]) -> Part? {
        guard let partList else { return nil }
        var found: JSONValue?
        for part in partList.elements {
            if let partType = part["part_type"]?.string, types.contains(partType) { found = part }
        }
        return found.flatMap(Self.part)
    }

    static func part(_ part: JSONValue) -> Part? {
        guard let partType = part["part_type"]?.nonEmptyString else { return nil }
        return Part(
            id: part["id"]?.nonEmptyString ?? part["id"]?.numberText, partType: partType, createdAt: part["created_at"]?.unixTimestamp, author: teammate(part["author"]),
            authorType: part["author", "type"]?.string, assignedTo: teammate(part["assigned_to"]))
    }

    private static func statistics(_ value: JSONValue?) -> [(name: String, value: Int)] {
        guard let value, value.kind == .object else { return [] }
        return forwardedStatistics.compactMap { name in
            guard let number = value[name]?.int else { return nil }
            return (name, number)
        }
    }
}
