import CurlHTTP
import IntercomFullStory
import IntercomFullStoryFunction
import ProductVersion

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
        intercomAPIURL = try reader.baseURL("INTERCOM_API_URL", default: FunctionConfiguration.defaultIntercomAPIURL)
        fullStoryAPIURL = try reader.baseURL("FULLSTORY_API_URL", default: FunctionConfiguration.defaultFullStoryAPIURL)
        fullStoryAPIKey = try reader.headerSafe("FULLSTORY_API_KEY")
        sessionAttribute = reader.value("FULLSTORY_SESSION_ATTRIBUTE") ?? WebhookConfiguration.defaultSessionAttribute
        guard sessionAttribute.utf8.count <= WebhookConfiguration.maximumAttributeNameLength else {
            throw ConfigurationError(variable: "FULLSTORY_SESSION_ATTRIBUTE", problem: "is longer than Intercom's attribute names")
        }
        caBundlePath = CABundle.locate(environment: environment)
    }

    var httpOptions: HTTPClient.Options { HTTPClient.Options(caBundlePath: caBundlePath, userAgent: ProductVersion.userAgent) }
}
