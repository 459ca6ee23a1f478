import CurlHTTP
import IntercomFullStory
import ProductVersion
import ServiceSettings

/// What `setup` reads from the environment: the function's variables.
public struct SetupConfiguration: Sendable {
    public var intercomAccessToken: String
    public var intercomAPIURL: String
    /// `nil`: the FullStory check is skipped (said so in the output).
    public var fullStoryAPIKey: String?
    public var fullStoryAPIURL: String
    public var sessionAttribute: String
    public var caBundlePath: String?

    public init(environment: @escaping (String) -> String?) throws(ConfigurationError) {
        let reader = EnvironmentReader(environment)
        intercomAccessToken = try reader.requiredHeaderSafe(
            "INTERCOM_ACCESS_TOKEN", "an Intercom access token (the one the function will use)")
        let services = try ServiceSettings(reader, environment: environment)
        intercomAPIURL = services.intercomAPIURL
        fullStoryAPIURL = services.fullStoryAPIURL
        fullStoryAPIKey = try reader.headerSafe("FULLSTORY_API_KEY")
        sessionAttribute = services.sessionAttribute
        caBundlePath = services.caBundlePath
    }

    var httpOptions: HTTPClient.Options { HTTPClient.Options(caBundlePath: caBundlePath, userAgent: ProductVersion.userAgent) }
}
