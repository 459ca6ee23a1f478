#if canImport(Glibc)
import Glibc
#endif
import FlatJSON
import ProductVersion
import TestSupport
import Testing

/// The `intercom-fullstory` command, as a user runs it (the built executable, not its library).
@Suite struct CommandLineTests {
    static let optionalTopics = TicketTopicsEndToEndTests.optionalTopics

    /// Runs the command with the test secret; its exit status and output (standard output and error together).
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32?, output: String) {
        var variables = ["INTERCOM_CLIENT_SECRET": EmulatorHarness.clientSecret]
        for (name, value) in environment { variables[name] = value }
        let outcome = try CommandRun.run(arguments, environment: variables, timeoutMilliseconds: 30_000)
        return (outcome.status, outcome.output + outcome.errors)
    }

    @Test func versionIsTheProductsOne() throws {
        let (status, output) = try Self.run(["--version"])
        #expect(status == 0)
        #expect(output.split(whereSeparator: { $0 == "\n" || $0 == " " }).map(String.init) == [ProductVersion.number])
    }

    @Test(arguments: TicketTopicsEndToEndTests.expectedEvents.map(\.file))
    func dryRunOfEveryNewTopic(_ file: String) throws {
        let (status, output) = try Self.run(
            ["invoke", "--dry-run", repositoryRoot + "/events/" + file], environment: ["FULLSTORY_EVENT_TOPICS": Self.optionalTopics])
        #expect(status == 0, "\(output)")
        let root = try JSONDocument(parsing: output.split(separator: "\n").first.map(String.init) ?? "").root
        #expect(root["response", "statusCode"]?.int == 200)
        let sent = root["fullstory"]?.elements.map { $0 } ?? []
        #expect(sent.count == 1)
        let expected = TicketTopicsEndToEndTests.expectedEvents.first { $0.file == file }?.name
        #expect(sent.first?["body", "name"]?.string == expected)
        #expect(sent.first?["idempotency_key"]?.string?.count == 36)
    }

    @Test func anUnknownTopicIsAUsageErrorNamingTheVariable() throws {
        let (status, output) = try Self.run(
            ["invoke", "--dry-run", repositoryRoot + "/events/ticket-created.v1.json"],
            environment: ["FULLSTORY_EVENT_TOPICS": "ticket.exploded"])
        #expect(status == 64)
        #expect(output.contains("FULLSTORY_EVENT_TOPICS lists an unknown topic"))
        #expect(output.contains("ticket.rating.provided"), "the message lists the known topics")
    }
}
