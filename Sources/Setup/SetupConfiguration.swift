import IntercomFullStory
import ServiceSettings

/// What `setup` reads from the environment: the function's variables.
public struct SetupConfiguration: Sendable {
    /// What the function and the backfill read alike: the API URLs, the session attribute, the CA bundle.
    public var services: ServiceSettings
    public var intercomAccessToken: String
    /// `nil`: the FullStory check is skipped (said so in the output).
    public var fullStoryAPIKey: String?

    public init(environment: @escaping (String) -> String?) throws(ConfigurationError) {
        let reader = EnvironmentReader(environment)
        intercomAccessToken = try reader.requiredHeaderSafe(
            "INTERCOM_ACCESS_TOKEN", "an Intercom access token (the one the function will use)")
        services = try ServiceSettings(environment: environment)
        fullStoryAPIKey = try reader.headerSafe("FULLSTORY_API_KEY")
    }
}
