import CurlHTTP
import IntercomFullStory
import ProductVersion
import ServiceSettings

/// What the backfill reads from the environment: the function's variables, without the webhook's secret.
public struct BackfillConfiguration: Sendable {
    public var intercomAccessToken: String
    public var intercomAPIURL: String
    /// `nil` only for a dry run, which sends nothing.
    public var fullStoryAPIKey: String?
    public var fullStoryAPIURL: String
    public var sessionAttribute: String
    public var inboxBaseURL: String
    public var pageURLPolicy: PageURLPolicy
    public var caBundlePath: String?

    public init(environment: @escaping (String) -> String?, dryRun: Bool) throws(ConfigurationError) {
        let reader = EnvironmentReader(environment)
        intercomAccessToken = try reader.requiredHeaderSafe(
            "INTERCOM_ACCESS_TOKEN", "an Intercom access token that can read conversations")
        let services = try ServiceSettings(reader, environment: environment)
        intercomAPIURL = services.intercomAPIURL
        fullStoryAPIURL = services.fullStoryAPIURL
        fullStoryAPIKey = try reader.headerSafe("FULLSTORY_API_KEY")
        if fullStoryAPIKey == nil, !dryRun {
            throw ConfigurationError(variable: "FULLSTORY_API_KEY", problem: "is required (a FullStory API key), unless --dry-run")
        }
        sessionAttribute = services.sessionAttribute
        inboxBaseURL = services.inboxBaseURL
        pageURLPolicy = try reader.choice("FULLSTORY_PAGE_URL_QUERY", default: PageURLPolicy.drop)
        caBundlePath = services.caBundlePath
    }

    var httpOptions: HTTPClient.Options { HTTPClient.Options(caBundlePath: caBundlePath, userAgent: ProductVersion.userAgent) }
}
