/// Whether a session FullStory lists for a user can be the one a conversation was started from: it began at most
/// 24 hours before the conversation (FullStory ends a session after 24 hours of capture) and no more than 5
/// minutes after it (clocks differ, and the Messenger may open a conversation as the page loads).
public enum SessionFreshness {
    private static let earliestBeforeSeconds = 86_400
    private static let latestAfterSeconds = 300

    public static func accepts(sessionCreatedAt session: Int, conversationCreatedAt conversation: Int) -> Bool {
        // Both are plausible Unix seconds (ISO8601's range), so the subtraction cannot overflow.
        let offset = session - conversation
        return offset >= -earliestBeforeSeconds && offset <= latestAfterSeconds
    }
}
