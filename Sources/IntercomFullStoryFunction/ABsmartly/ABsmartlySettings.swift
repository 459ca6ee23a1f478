import ASCIIText
import IntercomFullStory
import ServiceSettings

/// The ABsmartly destination's settings: `ABSMARTLY_COLLECTOR_URL` (the Collector's base with `/v1`),
/// `ABSMARTLY_API_KEY`, `ABSMARTLY_APPLICATION`, `ABSMARTLY_ENVIRONMENT` (set together: a partial set is an error
/// naming the missing one) and `ABSMARTLY_UNIT_TYPE` (default `user_id`).
public struct ABsmartlySettings: Sendable {
    public static let requiredVariables = ["ABSMARTLY_COLLECTOR_URL", "ABSMARTLY_API_KEY", "ABSMARTLY_APPLICATION", "ABSMARTLY_ENVIRONMENT"]
    private static let defaultUnitType = "user_id"

    public var collectorURL: String
    public var apiKey: String
    public var application: String
    public var environment: String
    public var unitType: String

    /// `nil` when none of the variables is set (the destination is off).
    public static func read(_ reader: EnvironmentReader) throws(ConfigurationError) -> ABsmartlySettings? {
        let set = requiredVariables.filter { reader.value($0) != nil }
        guard !set.isEmpty else {
            if reader.value("ABSMARTLY_UNIT_TYPE") != nil {
                throw ConfigurationError(variable: "ABSMARTLY_UNIT_TYPE", problem: "is set, but \(requiredVariables.joined(separator: ", ")) are not")
            }
            return nil
        }
        if let missing = requiredVariables.first(where: { !set.contains($0) }) {
            throw ConfigurationError(
                variable: missing, problem: "is required with \(set.joined(separator: ", ")) (the ABsmartly destination takes all four)")
        }
        // Units are hashed with MD5 (as the SDKs do); a libcrypto without it (a FIPS build) would skip every goal.
        guard ABsmartlyUnit.hashed("testy") == "K5I_V6RgP8c6sYKz-TVn8g" else {
            throw ConfigurationError(
                variable: "ABSMARTLY_COLLECTOR_URL", problem: "needs MD5 from libcrypto to hash units as ABsmartly's SDKs do, and this libcrypto has none")
        }
        let unitType = reader.value("ABSMARTLY_UNIT_TYPE") ?? defaultUnitType
        guard ABsmartlyPublish.unitTypeRule.accepts(unitType) else {
            throw ConfigurationError(variable: "ABSMARTLY_UNIT_TYPE", problem: "must be a unit type's name (letters, digits, - _ .)")
        }
        return ABsmartlySettings(
            collectorURL: try reader.baseURL("ABSMARTLY_COLLECTOR_URL", default: ""),
            apiKey: try reader.requiredHeaderSafe("ABSMARTLY_API_KEY", "an ABsmartly SDK API key"),
            application: try reader.requiredHeaderSafe("ABSMARTLY_APPLICATION", "an application of the Web Console"),
            environment: try reader.requiredHeaderSafe("ABSMARTLY_ENVIRONMENT", "an environment of the Web Console"), unitType: unitType)
    }
}
