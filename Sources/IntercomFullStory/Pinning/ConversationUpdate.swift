import ASCIIText
import FlatJSON

/// Intercom's Update a conversation (`PUT /conversations/{id}`) as pinning uses it: the body that sets one custom
/// attribute, and what the answer means. Pure.
public enum ConversationUpdate {
    public enum Reply: Sendable, Equatable {
        case written
        /// Worth another try later (408, 429, 5xx).
        case retryable(status: Int, retryAfterSeconds: Int?)
        /// A retry cannot help until someone changes the configuration: `fix` says what to do.
        case refused(status: Int, code: String?, fix: String)
        /// The conversation is gone (404 after a deletion): nothing to pin.
        case conversationNotFound
    }

    /// `{"custom_attributes": {"<attribute>": "<value>"}}`.
    public static func body(attribute: String, value: String) -> [UInt8] {
        var writer = JSONWriter(capacity: attribute.utf8.count + value.utf8.count + 48)
        writer.beginObject()
        writer.key("custom_attributes")
        writer.beginObject()
        writer.member(attribute, value)
        writer.endObject()
        writer.endObject()
        return writer.bytes
    }

    public static func classify(status: Int, body: [UInt8], retryAfter: String?, attribute: String) -> Reply {
        let code = IntercomRefusal.errorCode(body)
        switch status {
        case 200..<300:
            return .written
        case 408, 425, 429, 500...599:
            return .retryable(status: status, retryAfterSeconds: retryAfter.flatMap(RetryAfter.seconds))
        case 401, 403:
            return .refused(status: status, code: code, fix: IntercomRefusal.fix(status: status, code: code, permission: permission))
        case 404 where code == "not_found" || code == nil:
            return .conversationNotFound
        default:
            return .refused(
                status: status, code: code,
                fix: "create the conversation data attribute \"\(attribute)\" (text) in Intercom, Settings → Data → Conversations, or run `intercom-fullstory setup`")
        }
    }

    /// The permission the write needs, as Intercom's app settings name it (UNCERTAIN: Intercom's exact label).
    public static let permission = "Write conversations"
    /// The permission reading a conversation's pin needs (Intercom's retry of a webhook, redelivery, a ticket's
    /// linked conversation); UNCERTAIN as well.
    public static let readPermission = "Read conversations"
}
