import FlatJSON

/// Intercom's `POST /conversations/search`: the request for a backfill window, and what a page of results holds.
public enum ConversationSearch {
    private static let pageSize = 150

    /// Every conversation with an event in `window`, whether Intercom's `>` and `<` include their bound or not:
    /// any event at a moment in [since, until) means `updated_at` ≥ since (`> since - 1`: ≥ since when strict, a
    /// superset when not) and `created_at` < until (`< until`: a superset when inclusive). There is no upper bound
    /// on `updated_at`: a conversation closed in the window may have changed since. Events are picked out on the
    /// client. Sorted by `updated_at`, so that a conversation that changes during the run comes again later
    /// rather than being skipped.
    public static func requestBody(window: BackfillWindow, startingAfter cursor: String?) -> [UInt8] {
        var writer = JSONWriter(capacity: 512)
        writer.beginObject()
        writer.key("query")
        writer.beginObject()
        writer.member("operator", "AND")
        writer.key("value")
        writer.beginArray()
        for (field, comparison, value) in [("updated_at", ">", window.since - 1), ("created_at", "<", window.until)] {
            writer.beginObject()
            writer.member("field", field)
            writer.member("operator", comparison)
            writer.member("value", value)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        writer.key("pagination")
        writer.beginObject()
        writer.member("per_page", pageSize)
        if let cursor { writer.member("starting_after", cursor) }
        writer.endObject()
        writer.key("sort")
        writer.beginObject()
        writer.member("field", "updated_at")
        writer.member("order", "ascending")
        writer.endObject()
        writer.endObject()
        return writer.bytes
    }

    /// One page of results.
    public struct Page: Sendable {
        public var conversations: [JSONValue]
        /// `pages.next.starting_after`; `nil` on the last page.
        public var nextCursor: String?
        public var totalCount: Int?

        public init?(_ body: [UInt8]) {
            guard let document = try? JSONDocument(parsing: body), let list = document.root["conversations"],
                list.kind == .array
            else { return nil }
            conversations = Array(list.elements)
            nextCursor = document.root["pages", "next", "starting_after"]?.nonEmptyString
            totalCount = document.root["total_count"]?.int
        }
    }
}
