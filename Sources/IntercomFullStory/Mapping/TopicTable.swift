/// The topics this function understands. Adding a topic is adding a line.
public enum TopicTable {
    public static let routes: [TopicRoute] = [
        TopicRoute("conversation.user.created", "Intercom Conversation Opened", enabledByDefault: true, moment: .created),
        TopicRoute("conversation.admin.closed", "Intercom Conversation Closed", enabledByDefault: true, moment: .part(["close"])),
        TopicRoute("conversation.rating.added", "Intercom Conversation Rated", enabledByDefault: true, moment: .rating),
        TopicRoute("conversation.user.replied", "Intercom Conversation User Replied", enabledByDefault: false, moment: .part(["comment"]), key: .part),
        TopicRoute("conversation.admin.replied", "Intercom Conversation Admin Replied", enabledByDefault: false, moment: .part(["comment"]), key: .part),
        TopicRoute("conversation.admin.assigned", "Intercom Conversation Assigned", enabledByDefault: false, moment: .part(["assignment", "assign_and_reopen", "default_assignment", "comment"])),
        TopicRoute("conversation.admin.snoozed", "Intercom Conversation Snoozed", enabledByDefault: false, moment: .part(["snoozed"])),
        TopicRoute("conversation.admin.opened", "Intercom Conversation Reopened", enabledByDefault: false, moment: .part(["open"])),
        TopicRoute("conversation.operator.replied", "Intercom Conversation Fin Replied", enabledByDefault: false, moment: .part(["comment", "quick_reply"]), key: .part),
        TopicRoute("ticket.created", "Intercom Ticket Created", enabledByDefault: false, moment: .created, subject: .ticket),
        TopicRoute("ticket.state.updated", "Intercom Ticket State Changed", enabledByDefault: false, moment: .ticketStateChange, subject: .ticket),
        TopicRoute("ticket.resolved", "Intercom Ticket Resolved", enabledByDefault: false, moment: .ticketStateChange, subject: .ticket),
        TopicRoute("ticket.closed", "Intercom Ticket Closed", enabledByDefault: false, moment: .ticketStateChange, subject: .ticket, unnestedEventName: "Intercom Ticket Resolved"),
        TopicRoute("ticket.rating.provided", "Intercom Ticket Rated", enabledByDefault: false, moment: .rating, subject: .ticket),
    ]

    public static func route(for topic: String) -> TopicRoute? { routes.first { $0.topic == topic } }

    /// The topic Intercom documents for a bot's reply. Intercom has been reported to deliver one bot reply under
    /// `conversation.admin.replied` too: a part written by a bot is this topic's event whichever of the two brings
    /// it, with the same body and key, so FullStory records it once.
    public static let botReplyTopic = "conversation.operator.replied"
    static let topicsBringingBotReplies: Set<String> = ["conversation.admin.replied", botReplyTopic]

    /// Topics that may be listed in the optional-topics configuration.
    public static var optionalTopics: [String] { routes.filter { !$0.enabledByDefault }.map(\.topic) }
}
