import IntercomFullStory
import ServiceSettings

/// What the backfill reads from the environment: the function's variables, without the webhook's secret.
public struct BackfillConfiguration: Sendable {
    /// What the function and setup read alike: the API URLs, the session attribute, the CA bundle.
    public var services: ServiceSettings
    public var intercomAccessToken: String
    /// `nil` only for a dry run, which sends nothing.
    public var fullStoryAPIKey: String?
    public var pageURLPolicy: PageURLPolicy

    public init(environment: @escaping (String) -> String?, dryRun: Bool) throws(ConfigurationError) {
        let reader = EnvironmentReader(environment)
        intercomAccessToken = try reader.requiredHeaderSafe(
            "INTERCOM_ACCESS_TOKEN", "an Intercom access token that can read conversations")
        services = try ServiceSettings(environment: environment)
        fullStoryAPIKey = try reader.headerSafe("FULLSTORY_API_KEY")
        if fullStoryAPIKey == nil, !dryRun {
            throw ConfigurationError(variable: "FULLSTORY_API_KEY", problem: "is required (a FullStory API key), unless --dry-run")
        }
        pageURLPolicy = try reader.choice("FULLSTORY_PAGE_URL_QUERY", default: PageURLPolicy.drop)
    }
}
