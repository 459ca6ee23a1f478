/// Notification bodies varied from the samples in events/bodies, for pinning tests.
public enum NotificationSamples {
    public static let conversationID = "215472621202693"
    public static let contactID = "696205460674dbb9050aa7fd"
    /// The sample conversation's `created_at`.
    public static let conversationCreated = 1_768_031_789

    /// The sample conversation.user.created notification (API 2.x, begun in the Messenger), varied.
    public static func opened(
        externalID: String? = "user-42", source: String = "conversation", pinned: String? = nil, attempt: Int = 1,
        notification: String = "notif_pin-1", conversationID: String = conversationID
    ) -> String {
        var body = readFile(repositoryRoot + "/events/bodies/opened.json")
            .replacingFirst("notif_3b8c6d2f-91e4-4a7b-8c0d-5e2f1a9b3d77", with: notification)
            .replacingFirst(#""id":"215472621202693""#, with: #""id":"\#(conversationID)""#)
            .replacingFirst(#""source":{"type":"conversation""#, with: #""source":{"type":"\#(source)""#)
            .replacingFirst(#""delivery_attempts":1"#, with: #""delivery_attempts":\#(attempt)"#)
        if let externalID { body = body.replacingFirst(#""external_id":null"#, with: #""external_id":"\#(externalID)""#) }
        if let pinned { body = body.replacingFirst(#""custom_attributes":{"#, with: #""custom_attributes":{"fs_session_id":"\#(pinned)","#) }
        return body
    }

    /// The sample close, carrying the conversation's attributes as Intercom sends them.
    public static func closed(pinned: String?) -> String {
        let body = readFile(repositoryRoot + "/events/bodies/closed.json")
        guard let pinned else { return body }
        return body.replacingFirst(#""custom_attributes":{"#, with: #""custom_attributes":{"fs_session_id":"\#(pinned)","#)
    }
}
