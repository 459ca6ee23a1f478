import ASCIIText
import AWSSQS
import CurlHTTP
import IntercomFullStory
import ServiceSettings

/// The function's settings, read from the environment and checked once at start-up.
public struct FunctionConfiguration: Sendable {

    /// What the backfill and setup read alike: the API URLs, the session attribute, the CA bundle.
    public var services: ServiceSettings
    /// `nil`: the FullStory destination is off (another one is on).
    public var fullStoryAPIKey: String?
    public var fullStoryAPIURL: String { services.fullStoryAPIURL }
    /// The ABsmartly destination (`ABSMARTLY_*`); `nil` when off.
    public var abSmartly: ABsmartlySettings?
    public var intercomAccessToken: String?
    public var intercomAPIURL: String { services.intercomAPIURL }
    public var webhook: WebhookConfiguration
    /// The CA bundle for HTTPS to FullStory and Intercom (`SSL_CERT_FILE`, else the system's); `nil` leaves the
    /// choice to libcurl.
    public var caBundlePath: String? { services.caBundlePath }
    /// Durable delivery (`DELIVERY_QUEUE_URL`); `nil` keeps the webhook answering 503 when FullStory fails.
    public var deliveryQueue: DeliveryQueueSettings?
    /// `INTERCOM_PIN_SESSIONS=true`: new conversations get their FullStory session written on them (needs
    /// `INTERCOM_ACCESS_TOKEN`).
    public var pinsSessions: Bool
    /// `FULLSTORY_ORG_ID`: pins are written as replay links built with it when no link came with the session.
    public var fullStoryOrgID: String?
    /// `INTERCOM_ALLOW_UNSIGNED=true`: signatures are not checked (local testing only).
    public var acceptsUnsignedRequests: Bool {
        if case .acceptUnsigned = webhook.signature { true } else { false }
    }

    /// Reads the configuration table of docs/configuration.md from `environment` (a variable's value by name, such as
    /// `ProcessEnvironment.variable`). Throws naming the first wrong variable.
    public init(environment: @escaping (String) -> String?) throws(ConfigurationError) {
        let reader = EnvironmentReader(environment)
        services = try ServiceSettings(environment: environment)
        fullStoryAPIKey = try reader.headerSafe("FULLSTORY_API_KEY")
        abSmartly = try ABsmartlySettings.read(reader)
        if fullStoryAPIKey == nil, abSmartly == nil {
            throw ConfigurationError(
                variable: "FULLSTORY_API_KEY",
                problem: "is required unless the ABsmartly destination is configured (ABSMARTLY_COLLECTOR_URL, ABSMARTLY_API_KEY, ABSMARTLY_APPLICATION, ABSMARTLY_ENVIRONMENT): no destination is configured")
        }
        intercomAccessToken = try reader.headerSafe("INTERCOM_ACCESS_TOKEN")
        pinsSessions = try reader.flag("INTERCOM_PIN_SESSIONS")
        if pinsSessions, intercomAccessToken == nil {
            throw ConfigurationError(
                variable: "INTERCOM_PIN_SESSIONS",
                problem: "needs INTERCOM_ACCESS_TOKEN (a token whose app may read contacts and write conversations)")
        }
        fullStoryOrgID = reader.value("FULLSTORY_ORG_ID")
        if let orgID = fullStoryOrgID, !SessionReplayURL.orgIDRule.accepts(orgID) {
            throw ConfigurationError(variable: "FULLSTORY_ORG_ID", problem: "must be the org id of FullStory's URLs (letters, digits, - and _)")
        }

        // A configured secret is always used; unsigned requests pass only when there is none and they are
        // explicitly allowed.
        let signature: WebhookConfiguration.SignaturePolicy
        let allowUnsigned = try reader.flag("INTERCOM_ALLOW_UNSIGNED")
        if let secret = reader.value("INTERCOM_CLIENT_SECRET") {
            signature = .verify(secret: Array(secret.utf8))
        } else if allowUnsigned {
            signature = .acceptUnsigned
        } else {
            throw ConfigurationError(
                variable: "INTERCOM_CLIENT_SECRET",
                problem: "is required (the Intercom app's client secret), unless INTERCOM_ALLOW_UNSIGNED=true")
        }

        var topics: Set<String> = []
        for name in reader.list("FULLSTORY_EVENT_TOPICS") {
            guard TopicTable.route(for: name) != nil else {
                throw ConfigurationError(
                    variable: "FULLSTORY_EVENT_TOPICS",
                    problem: "lists an unknown topic; known: \(TopicTable.optionalTopics.joined(separator: ", "))")
            }
            topics.insert(name)
        }
        var appIDs: Set<String> = []
        for appID in reader.list("INTERCOM_APP_IDS") {
            guard appID.utf8.count <= 64, appID.isHeaderSafe else {
                throw ConfigurationError(variable: "INTERCOM_APP_IDS", problem: "must be a comma list of workspace ids")
            }
            appIDs.insert(appID)
        }
        webhook = WebhookConfiguration(
            signature: signature, sessionAttribute: services.sessionAttribute, extraTopics: topics,
            inboxBaseURL: services.inboxBaseURL, allowedAppIDs: appIDs,
            pageURLPolicy: try reader.choice("FULLSTORY_PAGE_URL_QUERY", default: PageURLPolicy.drop))
        deliveryQueue = try reader.value("DELIVERY_QUEUE_URL").map { url throws(ConfigurationError) in
            try DeliveryQueueSettings(queueURL: url, reader: reader)
        }
    }

    public init(environment: [String: String]) throws(ConfigurationError) {
        try self.init(environment: { environment[$0] })
    }
}
