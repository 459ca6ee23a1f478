import CurlHTTP
import IntercomFullStory
import IntercomFullStoryFunction

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

    public init(environment: (String) -> String?, dryRun: Bool) throws(ConfigurationError) {
        func value(_ name: String) -> String? {
            guard let raw = environment(name) else { return nil }
            let trimmed = raw.trimmingASCIIWhitespace()
            return trimmed.isEmpty ? nil : trimmed
        }
        guard let token = value("INTERCOM_ACCESS_TOKEN") else {
            throw ConfigurationError(
                variable: "INTERCOM_ACCESS_TOKEN", problem: "is required (an Intercom access token that can read conversations)")
        }
        guard token.isHeaderSafe else {
            throw ConfigurationError(variable: "INTERCOM_ACCESS_TOKEN", problem: "contains spaces or control characters")
        }
        intercomAccessToken = token
        intercomAPIURL = try FunctionConfiguration.baseURL(
            value("INTERCOM_API_URL") ?? FunctionConfiguration.defaultIntercomAPIURL, "INTERCOM_API_URL")
        fullStoryAPIURL = try FunctionConfiguration.baseURL(
            value("FULLSTORY_API_URL") ?? FunctionConfiguration.defaultFullStoryAPIURL, "FULLSTORY_API_URL")
        if let key = value("FULLSTORY_API_KEY") {
            guard key.isHeaderSafe else {
                throw ConfigurationError(variable: "FULLSTORY_API_KEY", problem: "contains spaces or control characters")
            }
            fullStoryAPIKey = key
        } else if !dryRun {
            throw ConfigurationError(variable: "FULLSTORY_API_KEY", problem: "is required (a FullStory API key), unless --dry-run")
        }
        sessionAttribute = value("FULLSTORY_SESSION_ATTRIBUTE") ?? WebhookConfiguration.defaultSessionAttribute
        inboxBaseURL = FunctionConfiguration.inboxBaseURL(forAPI: intercomAPIURL)
        pageURLPolicy = try FunctionConfiguration.pageURLPolicy(value("FULLSTORY_PAGE_URL_QUERY"))
        caBundlePath = CABundle.locate(environment: environment)
    }

    var httpOptions: HTTPClient.Options { HTTPClient.Options(caBundlePath: caBundlePath, userAgent: "intercom-fullstory-backfill/1.0") }
}
