import AWSSQS
import FlatJSON
import TestSupport
import Testing

/// The EMF line of every outcome, as the real bootstrap writes it under the emulator: one valid line per
/// invocation, with the namespace, the dimension and numeric values.
@Suite(.serialized) struct MetricsEndToEndTests {
    typealias SwitchableFullStory = DurableDeliveryTests.SwitchableFullStory

    /// The EMF lines of an emulator's output, in order, each checked for the format's promises.
    static func metricLines(_ output: String, sourceLocation: SourceLocation = #_sourceLocation) -> [JSONValue] {
        output.split(separator: "\n").filter { $0.hasPrefix(#"{"_aws""#) }.compactMap { line in
            guard let root = try? JSONDocument(parsing: String(line)).root else {
                Issue.record("an EMF line is not JSON: \(line.prefix(80))", sourceLocation: sourceLocation)
                return nil
            }
            let directive = root["_aws", "CloudWatchMetrics"]?.elements.first { _ in true }
            #expect(root["_aws", "Timestamp"]?.int.map { $0 > 1_700_000_000_000 } == true, sourceLocation: sourceLocation)
            #expect(directive?["Namespace"]?.string == "IntercomFullStory", sourceLocation: sourceLocation)
            #expect(
                directive?["Dimensions"]?.elements.map { $0.elements.compactMap(\.string) } == [["FunctionName"]],
                sourceLocation: sourceLocation)
            #expect(root["FunctionName"]?.string == "test_function", "the emulator's function name", sourceLocation: sourceLocation)
            #expect(root["level"]?.string == "INFO", sourceLocation: sourceLocation)
            for metric in directive?["Metrics"]?.elements ?? JSONDocumentEmpty.array.elements {
                let name = metric["Name"]?.string ?? ""
                #expect(root[name]?.kind == .number, "\(name) holds a number", sourceLocation: sourceLocation)
                #expect(["Count", "Milliseconds"].contains(metric["Unit"]?.string ?? ""), sourceLocation: sourceLocation)
            }
            return root
        }
    }

    /// The metrics of one line that are not zero.
    static func nonZero(_ line: JSONValue) -> [String: Int] {
        var values: [String: Int] = [:]
        for (name, value) in line.members where name != "_aws" && value.kind == .number {
            if let count = value.int, count != 0, name != "FullStoryLatency" { values[name] = count }
        }
        return values
    }

    @Test func everyWebhookOutcomeWithoutAQueue() throws {
        let fullStory = SwitchableFullStory()
        let rig = try EndToEndTests.rig(fullStory: { fullStory.reply($0, $1) })
        defer { rig.shutdown() }
        _ = try rig.emulator.invoke(file: "closed.v1.json")
        _ = try rig.emulator.invoke(file: "ping.v1.json")
        _ = try rig.emulator.invoke(file: "head.v2.json")
        _ = try rig.emulator.invoke(file: "bad-signature.v1.json")
        _ = try rig.emulator.invoke(file: "ignored-topic.v2.json")
        _ = try rig.emulator.invoke(SignedEvents.restAPI(body: Array(#"{"type":"notification_event","topic":"x"}"#.utf8)))
        fullStory.set(.status(400, #"{"code":"invalid_argument"}"#))
        _ = try rig.emulator.invoke(file: "rated.v1.json")
        fullStory.set(.status(401, #"{"code":"unauthorized"}"#))
        _ = try rig.emulator.invoke(file: "opened.v1.json")
        fullStory.set(.status(503, #"{"code":"unavailable"}"#))
        _ = try rig.emulator.invoke(file: "opened.v2.json")
        let lines = Self.metricLines(rig.shutdown())
        #expect(lines.count == 9, "one line per invocation")
        guard lines.count == 9 else { return }
        let expected: [[String: Int]] = [
            ["Delivered": 1, "FullStoryAttempts": 1], [:], [:], ["Unauthorized": 1], ["Ignored": 1], ["BadRequest": 1],
            ["Rejected": 1, "FullStoryAttempts": 1], ["FullStoryRefusedKey": 1, "FullStoryAttempts": 1],
            ["FullStoryUnavailable": 1, "FullStoryAttempts": 4],
        ]
        #expect(lines.map(Self.nonZero) == expected)
        #expect(lines[0]["FullStoryLatency"]?.double.map { $0 > 0 } == true)
        #expect(lines[1]["FullStoryLatency"] == nil, "no FullStory call, no latency")
    }

    @Test func queuedAndRedeliveredOutcomes() throws {
        let durable = try DurableDeliveryTests.rig("metrics")
        defer { durable.rig.shutdown() }
        durable.fullStory.set(.down)
        _ = try durable.emulator.invoke(DurableDeliveryTests.closedWebhook(1))
        durable.fullStory.set(.status(401, #"{"code":"unauthorized"}"#))
        _ = try durable.emulator.invoke(DurableDeliveryTests.closedWebhook(2))
        durable.fullStory.set(.up)
        let messages = try durable.receiveAll()
        #expect(messages.count == 2)
        durable.fullStory.set(.acceptFirst(1, thenStatus: 503))
        _ = try durable.emulator.invoke(SQSEvents.event(messages))
        let lines = Self.metricLines(durable.rig.shutdown())
        #expect(lines.count == 3)
        guard lines.count == 3 else { return }
        // How many attempts fit in FullStory's 2 s depends on how busy the machine is (the backoff and each
        // attempt take real time): at least a retry, at most the policy's four.
        var first = Self.nonZero(lines[0])
        let attempts = first.removeValue(forKey: "FullStoryAttempts") ?? 0
        #expect((2...4).contains(attempts), "\(attempts) attempts")
        #expect(first == ["Queued": 1, "FullStoryUnavailable": 1])
        #expect(Self.nonZero(lines[1]) == ["Queued": 1, "FullStoryRefusedKey": 1, "FullStoryAttempts": 1])
        #expect(Self.nonZero(lines[2]) == [
            "Redelivered": 1, "RedeliveryFailed": 1, "FullStoryUnavailable": 1, "FullStoryAttempts": 2,
        ])
    }

    @Test func anUnlistedWorkspaceIsIgnoredCountedAndLogged() throws {
        let rig = try EndToEndTests.rig(environment: ["INTERCOM_APP_IDS": "another-workspace,one-more"])
        defer { rig.shutdown() }
        let (response, _) = try rig.emulator.invoke(file: "closed.v2.json")
        #expect(response.statusCode == 200)
        #expect(response["body"]?.string == #"{"status":"ignored","reason":"app not allowed"}"#)
        #expect(rig.fullStory.requests.isEmpty)
        #expect(rig.intercom.requests.isEmpty)
        let output = rig.shutdown()
        #expect(Self.metricLines(output).map(Self.nonZero) == [["AppNotAllowed": 1]])
        #expect(output.contains(#""level":"WARN","message":"invocation""#))
        #expect(output.contains(#""appId":"abc123def""#))
        #expect(output.contains(#""outcome":"app_not_allowed""#))
    }
}

/// An empty JSON array to iterate when a member is missing.
enum JSONDocumentEmpty {
    static let array: JSONValue = {
        guard let document = try? JSONDocument(parsing: "[]") else { preconditionFailure("[] is JSON") }
        return document.root
    }()
}
