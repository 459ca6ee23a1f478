import ASCIIText
import CurlHTTP
import IntercomFullStory
import ProductVersion

/// The settings the function, the backfill and setup share, read and checked the same way by each: Intercom's and
/// FullStory's API URLs (their regions), the session attribute (within Intercom's limit on attribute names) and the
/// CA bundle. Each tool reads what else it needs itself.
public struct ServiceSettings: Sendable {
    public static let defaultFullStoryAPIURL = "https://api.fullstory.com"
    private static let defaultIntercomAPIURL = "https://api.intercom.io"

    public var intercomAPIURL: String
    public var fullStoryAPIURL: String
    /// `FULLSTORY_SESSION_ATTRIBUTE`: the contact's and conversation's attribute holding the session.
    public var sessionAttribute: String
    /// `SSL_CERT_FILE`, else the system's; `nil` leaves the choice to libcurl.
    public var caBundlePath: String?

    /// - Parameter environment: a variable's value by name (`ProcessEnvironment.variable`, or a dictionary's).
    public init(environment: @escaping (String) -> String?) throws(ConfigurationError) {
        let reader = EnvironmentReader(environment)
        intercomAPIURL = try reader.baseURL("INTERCOM_API_URL", default: Self.defaultIntercomAPIURL)
        fullStoryAPIURL = try reader.baseURL("FULLSTORY_API_URL", default: Self.defaultFullStoryAPIURL)
        sessionAttribute = reader.value("FULLSTORY_SESSION_ATTRIBUTE") ?? WebhookConfiguration.defaultSessionAttribute
        guard sessionAttribute.utf8.count <= WebhookConfiguration.maximumAttributeNameLength else {
            throw ConfigurationError(variable: "FULLSTORY_SESSION_ATTRIBUTE", problem: "is longer than Intercom's attribute names")
        }
        caBundlePath = CABundle.locate(environment: environment)
    }

    /// Every client's connection settings: this CA bundle and `User-Agent: intercom-fullstory/<version>`.
    public var httpOptions: HTTPClient.Options { HTTPClient.Options(caBundlePath: caBundlePath, userAgent: ProductVersion.userAgent) }

    /// The inbox of the region, for conversation links.
    public var inboxBaseURL: String { Self.inboxBaseURL(forAPI: intercomAPIURL) }

    /// The inbox host of the region: api.eu.intercom.io → app.eu.intercom.com.
    static func inboxBaseURL(forAPI apiURL: String) -> String {
        let host = ASCII.host(ofURL: apiURL)
        if host.hasSuffix(".eu.intercom.io") { return "https://app.eu.intercom.com" }
        if host.hasSuffix(".au.intercom.io") { return "https://app.au.intercom.com" }
        return WebhookConfiguration.defaultInboxBaseURL
    }
}
