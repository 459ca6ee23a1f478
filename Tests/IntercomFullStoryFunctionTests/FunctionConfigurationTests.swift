import CurlHTTP
import IntercomFullStory
import IntercomFullStoryFunction
import ServiceSettings
import Testing

@Suite struct FunctionConfigurationTests {
    static let minimal = ["FULLSTORY_API_KEY": "na1.key-value", "INTERCOM_CLIENT_SECRET": "client-secret-value"]

    func error(_ environment: [String: String]) -> ConfigurationError? {
        do {
            _ = try FunctionConfiguration(environment: environment)
            return nil
        } catch {
            return error
        }
    }

    @Test func defaults() throws {
        let configuration = try FunctionConfiguration(environment: Self.minimal)
        #expect(configuration.fullStoryAPIURL == "https://api.fullstory.com")
        #expect(configuration.intercomAPIURL == "https://api.intercom.io")
        #expect(configuration.intercomAccessToken == nil)
        #expect(configuration.webhook.sessionAttribute == "fs_session_id")
        #expect(configuration.webhook.extraTopics.isEmpty)
        #expect(!configuration.acceptsUnsignedRequests)
    }

    @Test func caBundleComesFromTheSameEnvironment() throws {
        var environment = Self.minimal
        environment["SSL_CERT_FILE"] = "/opt/certs/bundle.pem"
        #expect(try FunctionConfiguration(environment: environment).caBundlePath == "/opt/certs/bundle.pem")
        let fallback = try FunctionConfiguration(environment: Self.minimal).caBundlePath
        #expect(fallback == nil || fallback.map(CABundle.candidates.contains) == true)
    }

    @Test func valuesAreTrimmedOfSpacesAndLineEnds() throws {
        var environment = Self.minimal
        environment["FULLSTORY_API_KEY"] = " \tna1.key-value\r\n"
        environment["FULLSTORY_EVENT_TOPICS"] = " conversation.admin.replied ,\n"
        let configuration = try FunctionConfiguration(environment: environment)
        #expect(configuration.fullStoryAPIKey == "na1.key-value")
        #expect(configuration.webhook.extraTopics == ["conversation.admin.replied"])
    }

    @Test func everyVariable() throws {
        var environment = Self.minimal
        environment["FULLSTORY_API_URL"] = "https://api.eu1.fullstory.com/"
        environment["INTERCOM_API_URL"] = "https://api.eu.intercom.io"
        environment["INTERCOM_ACCESS_TOKEN"] = "token"
        environment["FULLSTORY_SESSION_ATTRIBUTE"] = "fullstory_session"
        environment["FULLSTORY_EVENT_TOPICS"] = "conversation.admin.replied, conversation.admin.snoozed"
        let configuration = try FunctionConfiguration(environment: environment)
        #expect(configuration.fullStoryAPIURL == "https://api.eu1.fullstory.com")
        #expect(configuration.intercomAccessToken == "token")
        #expect(configuration.webhook.sessionAttribute == "fullstory_session")
        #expect(configuration.webhook.extraTopics == ["conversation.admin.replied", "conversation.admin.snoozed"])
        #expect(configuration.webhook.inboxBaseURL == "https://app.eu.intercom.com")
    }

    @Test func pageURLQueryIsDroppedUnlessKept() throws {
        #expect(try FunctionConfiguration(environment: Self.minimal).webhook.pageURLPolicy == .drop)
        var environment = Self.minimal
        environment["FULLSTORY_PAGE_URL_QUERY"] = "KEEP"
        #expect(try FunctionConfiguration(environment: environment).webhook.pageURLPolicy == .keep)
        environment["FULLSTORY_PAGE_URL_QUERY"] = "sometimes"
        #expect(error(environment)?.variable == "FULLSTORY_PAGE_URL_QUERY")
    }

    @Test func missingKeyIsNamed() {
        let problem = error(["INTERCOM_CLIENT_SECRET": "client-secret-value"])
        #expect(problem?.variable == "FULLSTORY_API_KEY")
        #expect(problem?.description.hasPrefix("FULLSTORY_API_KEY") == true)
    }

    @Test func missingSecretIsNamedUnlessUnsignedIsAllowed() throws {
        #expect(error(["FULLSTORY_API_KEY": "k"])?.variable == "INTERCOM_CLIENT_SECRET")
        let unsigned = try FunctionConfiguration(environment: ["FULLSTORY_API_KEY": "k", "INTERCOM_ALLOW_UNSIGNED": "true"])
        #expect(unsigned.acceptsUnsignedRequests)
        #expect(error(["FULLSTORY_API_KEY": "k", "INTERCOM_ALLOW_UNSIGNED": "yes"])?.variable == "INTERCOM_ALLOW_UNSIGNED")
    }

    @Test func aConfiguredSecretIsUsedEvenWhenUnsignedIsAllowed() throws {
        let both = try FunctionConfiguration(environment: Self.minimal.merging(["INTERCOM_ALLOW_UNSIGNED": "true"]) { $1 })
        #expect(!both.acceptsUnsignedRequests)
    }

    @Test(arguments: [
        ("FULLSTORY_API_URL", "http://api.fullstory.com"), ("FULLSTORY_API_URL", "api.fullstory.com"),
        ("INTERCOM_API_URL", "ftp://x"), ("FULLSTORY_EVENT_TOPICS", "conversation.made.up"),
        ("FULLSTORY_API_KEY", "key with space"), ("INTERCOM_ACCESS_TOKEN", "tok\nen"),
    ])
    func wrongValuesAreNamedWithoutTheirValue(_ variable: String, _ value: String) {
        var environment = Self.minimal
        environment[variable] = value
        let problem = error(environment)
        #expect(problem?.variable == variable)
        #expect(problem?.description.contains(value) == false)
        #expect(problem?.description.contains("key-value") == false)
        #expect(problem?.description.contains("client-secret-value") == false)
    }

    @Test func loopbackHTTPIsAllowedForLocalStandIns() throws {
        var environment = Self.minimal
        environment["FULLSTORY_API_URL"] = "http://127.0.0.1:8080"
        #expect(try FunctionConfiguration(environment: environment).fullStoryAPIURL == "http://127.0.0.1:8080")
    }
}

@Suite struct AppIDsConfigurationTests {
    func configuration(_ value: String) throws -> FunctionConfiguration {
        var environment = FunctionConfigurationTests.minimal
        environment["INTERCOM_APP_IDS"] = value
        return try FunctionConfiguration(environment: environment)
    }

    @Test func aCommaListTrimmed() throws {
        #expect(try configuration(" abc123def , xyz789 ,,").webhook.allowedAppIDs == ["abc123def", "xyz789"])
        #expect(try configuration("").webhook.allowedAppIDs.isEmpty)
        #expect(try FunctionConfiguration(environment: FunctionConfigurationTests.minimal).webhook.allowedAppIDs.isEmpty)
    }

    @Test func aMalformedListIsNamed() {
        #expect(throws: ConfigurationError.self) { try configuration("abc def") }
        #expect(throws: ConfigurationError.self) { try configuration(String(repeating: "a", count: 65)) }
    }
}

/// The ABsmartly destination's variables, and the rule that at least one destination is on.
@Suite struct ABsmartlyConfigurationTests {
    static let minimal = FunctionConfigurationTests.minimal

    func error(_ environment: [String: String]) -> ConfigurationError? {
        do {
            _ = try FunctionConfiguration(environment: environment)
            return nil
        } catch {
            return error
        }
    }

    static let abSmartly = [
        "ABSMARTLY_COLLECTOR_URL": "https://acme.absmartly.io/v1/", "ABSMARTLY_API_KEY": "sdk-key", "ABSMARTLY_APPLICATION": "website",
        "ABSMARTLY_ENVIRONMENT": "production",
    ]

    @Test func abSmartlyIsOnWithItsFourVariables() throws {
        let both = try FunctionConfiguration(environment: Self.minimal.merging(Self.abSmartly) { $1 })
        #expect(both.fullStoryAPIKey == "na1.key-value")
        #expect(both.abSmartly?.collectorURL == "https://acme.absmartly.io/v1")
        #expect(both.abSmartly?.unitType == "user_id")
        var alone = Self.abSmartly
        alone["INTERCOM_CLIENT_SECRET"] = "client-secret-value"
        alone["ABSMARTLY_UNIT_TYPE"] = "device_id"
        let configuration = try FunctionConfiguration(environment: alone)
        #expect(configuration.fullStoryAPIKey == nil)
        #expect(configuration.abSmartly?.unitType == "device_id")
        #expect(try FunctionConfiguration(environment: Self.minimal).abSmartly == nil)
    }

    @Test func abSmartlysSettingsAreCheckedAndNamed() {
        for missing in ABsmartlySettings.requiredVariables {
            var partial = Self.minimal.merging(Self.abSmartly) { $1 }
            partial[missing] = nil
            #expect(error(partial)?.variable == missing, "\(missing)")
        }
        var plain = Self.minimal.merging(Self.abSmartly) { $1 }
        plain["ABSMARTLY_COLLECTOR_URL"] = "http://acme.absmartly.io/v1"
        #expect(error(plain) == ConfigurationError(variable: "ABSMARTLY_COLLECTOR_URL", problem: "must be an https:// URL"))
        plain["ABSMARTLY_COLLECTOR_URL"] = "http://127.0.0.1:8080/v1"
        #expect(error(plain) == nil, "plain http to loopback, for stand-ins")
        var unit = Self.minimal.merging(Self.abSmartly) { $1 }
        unit["ABSMARTLY_UNIT_TYPE"] = "user id"
        #expect(error(unit)?.variable == "ABSMARTLY_UNIT_TYPE")
        #expect(error(Self.minimal.merging(["ABSMARTLY_UNIT_TYPE": "user_id"]) { $1 })?.variable == "ABSMARTLY_UNIT_TYPE")
        var key = Self.minimal.merging(Self.abSmartly) { $1 }
        key["ABSMARTLY_API_KEY"] = "sdk key"
        let problem = error(key)
        #expect(problem?.variable == "ABSMARTLY_API_KEY" && problem?.description.contains("sdk key") == false)
    }

    @Test func withoutADestinationTheFunctionDoesNotStart() {
        let problem = error(["INTERCOM_CLIENT_SECRET": "client-secret-value"])
        #expect(problem?.variable == "FULLSTORY_API_KEY")
        #expect(problem?.description.contains("ABSMARTLY_COLLECTOR_URL") == true)
    }
}
