import FlatJSON
import ISO8601Format
import IntercomFullStory

/// A conversation as Intercom's search returns it (no parts), built for a test.
public struct SearchedConversation: Sendable {
    public var id: String
    public var createdAt: Int
    public var updatedAt: Int
    public var state = "open"
    public var lastCloseAt: Int?
    /// Write `last_close_at` as an ISO 8601 string (as webhooks do) rather than an integer.
    public var closeAtAsText = false
    public var lastClosedByID: String?
    /// A rating: `score` nil for one asked for but not given.
    public var rating: (score: Int?, at: Int)?
    public var contactID = "6962000000000000000000aa"
    public var externalID: String?
    public var sessionAttribute: String?
    public var assignee: (id: Int, name: String)? = (9608799, "John Doe")

    public init(id: String, createdAt: Int, updatedAt: Int? = nil) {
        self.id = id
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }

    public var json: String {
        var writer = JSONWriter(capacity: 2048)
        writer.beginObject()
        writer.member("type", "conversation")
        writer.member("id", id)
        writer.member("created_at", createdAt)
        writer.member("updated_at", updatedAt)
        writer.member("state", state)
        writer.member("open", state == "open")
        writer.key("source")
        writer.beginObject()
        writer.member("type", "conversation")
        writer.member("body", "<p>Backfill test conversation message text</p>")
        writer.member("url", "https://app.example.invalid/checkout")
        writer.endObject()
        writer.key("contacts")
        writer.beginObject()
        writer.member("type", "contact.list")
        writer.key("contacts")
        writer.beginArray()
        writer.beginObject()
        writer.member("type", "contact")
        writer.member("id", contactID)
        writer.key("external_id")
        if let externalID { writer.string(externalID) } else { writer.null() }
        writer.endObject()
        writer.endArray()
        writer.endObject()
        writer.key("admin_assignee_id")
        if let assignee { writer.int(assignee.id) } else { writer.null() }
        writer.key("teammates")
        writer.beginObject()
        writer.member("type", "admin.list")
        writer.key("admins")
        writer.beginArray()
        if let assignee {
            writer.beginObject()
            writer.member("type", "admin")
            writer.member("id", "\(assignee.id)")
            writer.member("name", assignee.name)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        writer.key("tags")
        writer.beginObject()
        writer.member("type", "tag.list")
        writer.key("tags")
        writer.beginArray()
        writer.endArray()
        writer.endObject()
        writer.member("priority", "not_priority")
        writer.key("custom_attributes")
        writer.beginObject()
        if let sessionAttribute { writer.member("fs_session_id", sessionAttribute) }
        writer.endObject()
        writer.key("statistics")
        writer.beginObject()
        writer.member("type", "conversation_statistics")
        writer.member("time_to_assignment", 30)
        writer.key("last_close_at")
        if let lastCloseAt {
            if closeAtAsText { writer.string(ISO8601.format(unixSeconds: lastCloseAt, milliseconds: 0)) } else { writer.int(lastCloseAt) }
        } else {
            writer.null()
        }
        writer.key("last_closed_by_id")
        if let lastClosedByID { writer.string(lastClosedByID) } else { writer.null() }
        writer.member("count_reopens", state == "open" && lastCloseAt != nil ? 1 : 0)
        writer.endObject()
        writer.key("conversation_rating")
        if let rating {
            writer.beginObject()
            writer.key("rating")
            if let score = rating.score { writer.int(score) } else { writer.null() }
            writer.member("remark", rating.score == nil ? "" : "Backfill remark text")
            writer.member("created_at", rating.at - 60)
            writer.member("updated_at", rating.at)
            writer.key("teammate")
            writer.beginObject()
            writer.member("type", "admin")
            writer.member("id", "9608799")
            writer.endObject()
            writer.endObject()
        } else {
            writer.null()
        }
        writer.member("ai_agent_participated", false)
        writer.endObject()
        return writer.string
    }
}
