import CurlHTTP
import IntercomFullStory
import IntercomFullStoryFunction
import ProductVersion

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
        intercomAPIURL = try reader.baseURL("INTERCOM_API_URL", default: FunctionConfiguration.defaultIntercomAPIURL)
        fullStoryAPIURL = try reader.baseURL("FULLSTORY_API_URL", default: FunctionConfiguration.defaultFullStoryAPIURL)
        fullStoryAPIKey = try reader.headerSafe("FULLSTORY_API_KEY")
        if fullStoryAPIKey == nil, !dryRun {
            throw ConfigurationError(variable: "FULLSTORY_API_KEY", problem: "is required (a FullStory API key), unless --dry-run")
        }
        sessionAttribute = reader.value("FULLSTORY_SESSION_ATTRIBUTE") ?? WebhookConfiguration.defaultSessionAttribute
        inboxBaseURL = FunctionConfiguration.inboxBaseURL(forAPI: intercomAPIURL)
        pageURLPolicy = try reader.choice("FULLSTORY_PAGE_URL_QUERY", default: PageURLPolicy.drop)
        caBundlePath = CABundle.locate(environment: environment)
    }

    var httpOptions: HTTPClient.Options { HTTPClient.Options(caBundlePath: caBundlePath, userAgent: ProductVersion.userAgent) }
}
