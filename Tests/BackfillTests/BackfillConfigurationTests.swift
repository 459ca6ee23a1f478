import Backfill
import IntercomFullStory
import ServiceSettings
import Testing

/// The backfill reads the settings it shares with the function and setup as they do (`ServiceSettings`).
@Suite struct BackfillConfigurationTests {
    static let base = ["INTERCOM_ACCESS_TOKEN": "token", "FULLSTORY_API_KEY": "na1.key"]

    @Test func aSessionAttributeLongerThanIntercomAllowsIsRefusedAsTheFunctionRefusesIt() throws {
        var environment = Self.base
        environment["FULLSTORY_SESSION_ATTRIBUTE"] = String(repeating: "a", count: WebhookConfiguration.maximumAttributeNameLength + 1)
        #expect(throws: ConfigurationError(variable: "FULLSTORY_SESSION_ATTRIBUTE", problem: "is longer than Intercom's attribute names")) {
            _ = try BackfillConfiguration(environment: { environment[$0] }, dryRun: false)
        }
    }

    @Test func theRegionsInboxFollowsTheAPIURL() throws {
        var environment = Self.base
        environment["INTERCOM_API_URL"] = "https://api.eu.intercom.io"
        let configuration = try BackfillConfiguration(environment: { environment[$0] }, dryRun: false)
        #expect(configuration.services.inboxBaseURL == "https://app.eu.intercom.com")
        #expect(configuration.services.fullStoryAPIURL == ServiceSettings.defaultFullStoryAPIURL)
    }
}
