/// What the core needs to know; read from the environment by the bootstrap, from flags by the CLI.
public struct WebhookConfiguration: Sendable {
    public enum SignaturePolicy: Sendable {
        /// Verify `X-Hub-Signature` with the app's client secret.
        case verify(secret: [UInt8])
        /// Accept unsigned requests (local testing only).
        case acceptUnsigned
    }

    public static let defaultSessionAttribute = "fs_session_id"
    /// The longest attribute name Intercom takes (its data attributes' names are at most 190 characters).
    public static let maximumAttributeNameLength = 190
    public static let defaultInboxBaseURL = "https://app.intercom.com"
    /// Larger bodies are refused with 413 before the signature is computed.
    public static let defaultMaximumBodySize = 1 << 20

    public var signature: SignaturePolicy
    public var sessionAttribute: String
    /// Optional topics (see `TopicTable`) switched on in addition to the default ones.
    public var extraTopics: Set<String>
    public var inboxBaseURL: String
    public var maximumBodySize: Int
    /// Workspaces (`app_id`) whose notifications are forwarded; empty forwards every workspace the app is
    /// installed in.
    public var allowedAppIDs: Set<String>
    /// What of `page_url` is sent (`FULLSTORY_PAGE_URL_QUERY`).
    public var pageURLPolicy: PageURLPolicy

    public init(
        signature: SignaturePolicy, sessionAttribute: String = defaultSessionAttribute, extraTopics: Set<String> = [],
        inboxBaseURL: String = defaultInboxBaseURL, maximumBodySize: Int = defaultMaximumBodySize,
        allowedAppIDs: Set<String> = [], pageURLPolicy: PageURLPolicy = .drop
    ) {
        self.pageURLPolicy = pageURLPolicy
        self.signature = signature
        self.sessionAttribute = sessionAttribute
        self.extraTopics = extraTopics
        self.inboxBaseURL = inboxBaseURL
        self.maximumBodySize = maximumBodySize
        self.allowedAppIDs = allowedAppIDs
    }

    /// Whether notifications of this workspace are forwarded (always, without an allow-list).
    public func allows(appID: String?) -> Bool {
        allowedAppIDs.isEmpty || appID.map(allowedAppIDs.contains) == true
    }

    /// The route for `topic` if it is forwarded under this configuration.
    public func enabledRoute(for topic: String) -> TopicRoute? {
        guard let route = TopicTable.route(for: topic), route.enabledByDefault || extraTopics.contains(topic) else {
            return nil
        }
        return route
    }
}
