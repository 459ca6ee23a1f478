/// The topics a backfill can rebuild from a conversation search: those whose moment a search result carries.
public enum BackfillTopic: String, CaseIterable, Sendable {
    case opened = "conversation.user.created"
    case closed = "conversation.admin.closed"
    case rated = "conversation.rating.added"

    /// The same event as the webhook path's.
    public var eventName: String { TopicTable.route(for: rawValue)?.eventName ?? rawValue }

    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
