import AWSSQS
import CurlHTTP
import IntercomFullStory

/// The function's settings, read from the environment and checked once at start-up.
public struct FunctionConfiguration: Sendable {
    public static let defaultFullStoryAPIURL = "https://api.fullstory.com"
    public static let defaultIntercomAPIURL = "https://api.intercom.io"

    public var fullStoryAPIKey: String
    public var fullStoryAPIURL: String
    public var intercomAccessToken: String?
    public var intercomAPIURL: String
    public var webhook: WebhookConfiguration
    /// The CA bundle for HTTPS to FullStory and Intercom (`SSL_CERT_FILE`, else the system's); `nil` leaves the
    /// choice to libcurl.
    public var caBundlePath: String?
    /// Durable delivery (`DELIVERY_QUEUE_URL`); `nil` keeps the webhook answering 503 when FullStory fails.
    public var deliveryQueue: DeliveryQueueSettings?
    /// `INTERCOM_ALLOW_UNSIGNED=true`: signatures are not checked (local testing only).
    public var acceptsUnsignedRequests: Bool {
        if case .acceptUnsigned = webhook.signature { true } else { false }
    }

    /// Reads the configuration table of the README from `environment` (a variable's value by name, such as
    /// `ProcessEnvironment.variable`). Throws naming the first wrong variable.
    public init(environment: (String) -> String?) throws(ConfigurationError) {
        func value(_ name: String) -> String? {
            guard let raw = environment(name) else { return nil }
            let trimmed = raw.trimmingASCIIWhitespace()
            return trimmed.isEmpty ? nil : trimmed
        }
        guard let key = value("FULLSTORY_API_KEY") else {
            throw ConfigurationError(variable: "FULLSTORY_API_KEY", problem: "is required (a FullStory API key)")
        }
        guard key.isHeaderSafe else {
            throw ConfigurationError(variable: "FULLSTORY_API_KEY", problem: "contains spaces or control characters")
        }
        fullStoryAPIKey = key
        fullStoryAPIURL = try Self.baseURL(value("FULLSTORY_API_URL") ?? Self.defaultFullStoryAPIURL, "FULLSTORY_API_URL")
        intercomAPIURL = try Self.baseURL(value("INTERCOM_API_URL") ?? Self.defaultIntercomAPIURL, "INTERCOM_API_URL")
        if let token = value("INTERCOM_ACCESS_TOKEN") {
            guard token.isHeaderSafe else {
                throw ConfigurationError(variable: "INTERCOM_ACCESS_TOKEN", problem: "contains spaces or control characters")
            }
            intercomAccessToken = token
        }

        // A configured secret is always used; unsigned requests pass only when there is none and they are
        // explicitly allowed.
        let signature: WebhookConfiguration.SignaturePolicy
        let allowUnsigned: Bool
        switch value("INTERCOM_ALLOW_UNSIGNED")?.lowercased() {
        case nil, "false": allowUnsigned = false
        case "true": allowUnsigned = true
        default: throw ConfigurationError(variable: "INTERCOM_ALLOW_UNSIGNED", problem: "must be true or false")
        }
        if let secret = value("INTERCOM_CLIENT_SECRET") {
            signature = .verify(secret: Array(secret.utf8))
        } else if allowUnsigned {
            signature = .acceptUnsigned
        } else {
            throw ConfigurationError(
                variable: "INTERCOM_CLIENT_SECRET",
                problem: "is required (the Intercom app's client secret), unless INTERCOM_ALLOW_UNSIGNED=true")
        }

        let attribute = value("FULLSTORY_SESSION_ATTRIBUTE") ?? WebhookConfiguration.defaultSessionAttribute
        var topics: Set<String> = []
        for topic in (value("FULLSTORY_EVENT_TOPICS") ?? "").split(separator: ",") {
            let name = String(topic).trimmingASCIIWhitespace()
            guard !name.isEmpty else { continue }
            guard TopicTable.route(for: name) != nil else {
                throw ConfigurationError(
                    variable: "FULLSTORY_EVENT_TOPICS",
                    problem: "lists an unknown topic; known: \(TopicTable.optionalTopics.joined(separator: ", "))")
            }
            topics.insert(name)
        }
        var appIDs: Set<String> = []
        for item in (value("INTERCOM_APP_IDS") ?? "").split(separator: ",") {
            let appID = String(item).trimmingASCIIWhitespace()
            guard !appID.isEmpty else { continue }
            guard appID.utf8.count <= 64, appID.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ",") }) else {
                throw ConfigurationError(variable: "INTERCOM_APP_IDS", problem: "must be a comma list of workspace ids")
            }
            appIDs.insert(appID)
        }
        webhook = WebhookConfiguration(
            signature: signature, sessionAttribute: attribute, extraTopics: topics,
            inboxBaseURL: Self.inboxBaseURL(forAPI: intercomAPIURL), allowedAppIDs: appIDs,
            pageURLPolicy: try Self.pageURLPolicy(value("FULLSTORY_PAGE_URL_QUERY")))
        caBundlePath = CABundle.locate(environment: environment)
        deliveryQueue = try value("DELIVERY_QUEUE_URL").map { url throws(ConfigurationError) in
            try DeliveryQueueSettings(queueURL: url, value: value)
        }
    }

    public init(environment: [String: String]) throws(ConfigurationError) {
        try self.init(environment: { environment[$0] })
    }

    /// `https://` (or `http://` to a loopback address or Docker's host, for local stand-ins), without a trailing
    /// slash.
    public static func baseURL(_ text: String, _ variable: String) throws(ConfigurationError) -> String {
        var url = text
        while url.hasSuffix("/") { url.removeLast() }
        guard isAllowedURL(url) else { throw ConfigurationError(variable: variable, problem: "must be an https:// URL") }
        return url
    }

    /// `https://…`, or plain `http://` to loopback (or Docker's host) only; printable, without spaces.
    static func isAllowedURL(_ url: String) -> Bool {
        let loopback = ["http://127.0.0.1", "http://localhost", "http://[::1]", "http://host.docker.internal"]
        let isLoopbackHTTP = loopback.contains { url == $0 || url.hasPrefix($0 + ":") || url.hasPrefix($0 + "/") }
        return (url.hasPrefix("https://") || isLoopbackHTTP) && url.isHeaderSafe && url.utf8.count > "https://".utf8.count
    }

    /// `FULLSTORY_PAGE_URL_QUERY`: `drop` (the default) or `keep`.
    public static func pageURLPolicy(_ text: String?) throws(ConfigurationError) -> PageURLPolicy {
        guard let text else { return .drop }
        guard let policy = PageURLPolicy(rawValue: text.lowercased()) else {
            throw ConfigurationError(variable: "FULLSTORY_PAGE_URL_QUERY", problem: "must be drop or keep")
        }
        return policy
    }

    /// The inbox host of the region: api.eu.intercom.io → app.eu.intercom.com.
    public static func inboxBaseURL(forAPI apiURL: String) -> String {
        let afterScheme = apiURL.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: true).dropFirst().first
        let host = afterScheme?.split(separator: ":").first.map(String.init) ?? ""
        if host.hasSuffix(".eu.intercom.io") { return "https://app.eu.intercom.com" }
        if host.hasSuffix(".au.intercom.io") { return "https://app.au.intercom.com" }
        return WebhookConfiguration.defaultInboxBaseURL
    }
}

extension String {
    /// Printable ASCII without spaces: safe to put in a header or URL as is.
    public var isHeaderSafe: Bool { utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F } }
}
