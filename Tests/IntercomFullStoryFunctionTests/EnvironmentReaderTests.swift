import IntercomFullStory
import IntercomFullStoryFunction
import ProductVersion
import ServiceSettings
import Testing

/// One reader for every setting: trimmed values, and errors that name the variable, never its value.
@Suite struct EnvironmentReaderTests {
    static func reader(_ variables: [String: String]) -> EnvironmentReader { EnvironmentReader { variables[$0] } }

    func problem(_ body: () throws(ConfigurationError) -> Void) -> ConfigurationError? {
        do {
            try body()
            return nil
        } catch {
            return error
        }
    }

    @Test func valuesAreTrimmedAndEmptyMeansUnset() {
        let reader = Self.reader(["A": "  value\r\n", "B": " \t ", "C": "x"])
        #expect(reader.value("A") == "value")
        #expect(reader.value("B") == nil)
        #expect(reader.value("MISSING") == nil)
        #expect(reader.list("C") == ["x"])
    }

    @Test func errorsNameTheVariableNeverTheValue() {
        let reader = Self.reader(["KEY": "secret with space", "N": "99999", "CHOICE": "sometimes", "URL": "http://example.com"])
        let headerProblem = problem { () throws(ConfigurationError) in _ = try reader.headerSafe("KEY") }
        #expect(headerProblem?.variable == "KEY")
        #expect(headerProblem?.description.contains("secret") == false)
        #expect(problem { () throws(ConfigurationError) in _ = try reader.required("ABSENT", "a thing") }?.description == "ABSENT is required (a thing)")
        #expect(problem { () throws(ConfigurationError) in _ = try reader.integer("N", in: 1...3600, "a number of seconds") }?.description
            == "N must be a number of seconds from 1 to 3600")
        #expect(problem { () throws(ConfigurationError) in _ = try reader.choice("CHOICE", default: PageURLPolicy.drop) }?.description
            == "CHOICE must be drop or keep")
        #expect(problem { () throws(ConfigurationError) in _ = try reader.baseURL("URL", default: "https://x") }?.variable == "URL")
    }

    @Test func urlsAreHTTPSOrLoopback() throws {
        let reader = Self.reader(["A": "https://api.fullstory.com//", "B": "http://127.0.0.1:8080/"])
        #expect(try reader.baseURL("A", default: "https://x") == "https://api.fullstory.com")
        #expect(try reader.baseURL("B", default: "https://x") == "http://127.0.0.1:8080")
        #expect(try reader.baseURL("UNSET", default: "https://api.intercom.io") == "https://api.intercom.io")
    }

    @Test func theVersionIsOneConstant() {
        #expect(ProductVersion.userAgent == "intercom-fullstory/" + ProductVersion.number)
        #expect(ProductVersion.number.split(separator: ".").count == 3)
    }
}
