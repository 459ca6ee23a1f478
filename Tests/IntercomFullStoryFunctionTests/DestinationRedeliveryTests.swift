import AWSSQS
import FlatJSON
import IntercomFullStory
import IntercomFullStoryFunction
import LambdaRuntime
import Logging
import SystemClock
import TestSupport
import Testing

/// Redelivery with two destinations, in process: each queued message goes to its own destination only, a
/// destination's failure stops only its own records in a batch, and a message for a destination that is off is set
/// aside in the dead-letter queue.
@Suite(.serialized) struct DestinationRedeliveryTests {
    struct Rig {
        let function: WebhookFunction
        let fullStory: FullStoryStandIn
        let collector: ABsmartlyStandIn
        let queues: (sqs: LocalSQS, delivery: SQSQueueURL, deadLetter: SQSQueueURL)

        func redeliver(_ bodies: [String]) throws -> (failures: [String], metrics: InvocationMetrics) {
            let records = bodies.enumerated().map { index, body in
                (id: "m-\(index)", receiptHandle: "handle-\(index)", body: body, receiveCount: 1, sentTimestamp: SystemClock.epochMilliseconds())
            }
            let record = function.route(SQSEvents.event(records), context: LambdaContext(requestID: "r", deadlineEpochMilliseconds: nil))
            guard case .success(let bytes) = record.response else { throw Failure() }
            return (SQSEvents.failures(try JSONDocument(parsing: bytes).root), record.metrics)
        }

        func shutdown() {
            fullStory.shutdown()
            collector.shutdown()
        }
    }

    struct Failure: Error {}

    static func rig(_ name: String, fullStory: Bool = true, abSmartly: Bool = true, collector: ABsmartlyStandIn? = nil) throws -> Rig {
        let fullStoryServer = try FullStoryStandIn()
        let collector = try collector ?? ABsmartlyStandIn()
        let sqs = try LocalSQS.start()
        let queues = try sqs.makeQueues(name)
        var environment = ["INTERCOM_CLIENT_SECRET": SignedEvents.testSecret, "FULLSTORY_API_URL": fullStoryServer.baseURL, "DEAD_LETTER_QUEUE_URL": queues.deadLetter.url]
        for (name, value) in sqs.functionEnvironment(queue: queues.delivery) { environment[name] = value }
        if fullStory { environment["FULLSTORY_API_KEY"] = "na1.key-value" }
        if abSmartly {
            environment["ABSMARTLY_COLLECTOR_URL"] = collector.baseURL
            environment["ABSMARTLY_API_KEY"] = ABsmartlyStandIn.apiKey
            environment["ABSMARTLY_APPLICATION"] = ABsmartlyStandIn.application
            environment["ABSMARTLY_ENVIRONMENT"] = ABsmartlyStandIn.environment
        }
        let function = try WebhookFunction(
            configuration: try FunctionConfiguration(environment: environment), logger: Logger(label: "t") { _ in SwiftLogNoOpLogHandler() })
        return Rig(function: function, fullStory: fullStoryServer, collector: collector, queues: (sqs, queues.delivery, queues.deadLetter))
    }

    static var goal: String { readFile(repositoryRoot + "/Tests/Fixtures/messages/goal.v2.json").trimmingASCIIWhitespace() }
    static var event: String { readFile(repositoryRoot + "/Tests/Fixtures/messages/closed.v2.json").trimmingASCIIWhitespace() }

    @Test func eachMessageGoesToItsOwnDestination() throws {
        let rig = try Self.rig("destinations-each")
        defer { rig.shutdown() }
        let (failures, metrics) = try rig.redeliver([Self.goal, Self.event])
        #expect(failures.isEmpty)
        #expect(rig.collector.goals.count == 1 && rig.fullStory.recorded.count == 1)
        #expect(metrics[.abSmartlyDelivered] == 1 && metrics[.redelivered] == 1)
    }

    @Test func aCollectorFailureStopsOnlyItsOwnRecords() throws {
        let collector = try ABsmartlyStandIn(script: [1: .json(503, "{}")])
        let rig = try Self.rig("destinations-stop", collector: collector)
        defer { rig.shutdown() }
        let (failures, metrics) = try rig.redeliver([Self.goal, Self.event, Self.goal])
        #expect(failures == ["m-0", "m-2"], "the second goal waits for its schedule")
        #expect(rig.collector.requests.count == 1)
        #expect(rig.fullStory.recorded.count == 1, "FullStory's record is still delivered")
        #expect(metrics[.abSmartlyUnavailable] == 1 && metrics[.redeliveryFailed] == 2)
    }

    @Test(arguments: [(false, true), (true, false)])
    func aMessageForADestinationThatIsOffIsSetAside(fullStory: Bool, abSmartly: Bool) throws {
        let rig = try Self.rig("destinations-off-\(fullStory)", fullStory: fullStory, abSmartly: abSmartly)
        defer { rig.shutdown() }
        let orphan = fullStory ? Self.goal : Self.event
        let (failures, metrics) = try rig.redeliver([orphan])
        #expect(failures.isEmpty)
        #expect(metrics[.deadLettered] == 1)
        #expect(try rig.queues.sqs.count(rig.queues.deadLetter).visible == 1)
        #expect(rig.collector.requests.isEmpty && rig.fullStory.requests.isEmpty)
    }
}
