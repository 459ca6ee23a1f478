import AWSSQS
import FlatJSON
import IntercomFullStory
import TestSupport
import Testing

/// The ABsmartly destination end to end: the real bootstrap under the emulator, FullStory's and ABsmartly's
/// Collector stand-ins side by side, moto as the delivery queue where a test needs one.
@Suite(.serialized) struct ABsmartlyDestinationTests {
    typealias SwitchableFullStory = DurableDeliveryTests.SwitchableFullStory
    static let externalID = "5e68ece4-0ec8-4792-baac-02deba39e7fe"

    struct Rig {
        let fullStory: SwitchableFullStory
        let fullStoryServer: StandInServer
        let collector: ABsmartlyStandIn
        let base: EmulatorRig

        var emulator: EmulatorHarness { base.emulator }

        func invoke(_ body: String) throws -> JSONValue { try emulator.invoke(SignedEvents.restAPI(body: Array(body.utf8))).response }

        /// Lambda's event source mapping, by hand.
        func drain() throws { try base.drain() }

        @discardableResult
        func shutdown() -> String { base.shutdown() }
    }

    static func rig(
        collector: ABsmartlyStandIn? = nil, fullStory: Bool = true, queueName: String? = nil, environment: [String: String?] = [:]
    ) throws -> Rig {
        let switchable = SwitchableFullStory()
        let fullStoryServer = try StandInServer { switchable.reply($0, $1) }
        let collector = try collector ?? ABsmartlyStandIn()
        var variables: [String: String?] = [
            "ABSMARTLY_API_KEY": ABsmartlyStandIn.apiKey, "ABSMARTLY_APPLICATION": ABsmartlyStandIn.application,
            "ABSMARTLY_ENVIRONMENT": ABsmartlyStandIn.environment,
        ]
        if !fullStory { variables["FULLSTORY_API_KEY"] = .some(nil) }
        for (name, value) in environment { variables[name] = value }
        let base = try EmulatorRig(
            standIns: [
                .server(fullStoryServer, at: "FULLSTORY_API_URL"),
                .init(variable: "ABSMARTLY_COLLECTOR_URL", baseURL: collector.baseURL, shutdown: { collector.shutdown() }),
            ],
            queueName: queueName, environment: variables)
        return Rig(fullStory: switchable, fullStoryServer: fullStoryServer, collector: collector, base: base)
    }

    static func body(_ name: String) -> String { readFile(repositoryRoot + "/events/bodies/\(name).json") }

    @Test func aClosedConversationIsOneEventAndOneGoal() throws {
        let rig = try Self.rig()
        defer { rig.shutdown() }
        let response = try rig.invoke(Self.body("closed"))
        #expect(response.statusCode == 200)
        #expect(response.bodyJSON?["status"]?.string == "delivered")
        #expect(rig.fullStory.acceptedKeys.count == 1)
        let goal = try #require(rig.collector.goals.first)
        #expect(rig.collector.goals.count == 1)
        #expect(goal.goal == "intercom_conversation_closed")
        #expect(goal.unitType == "user_id")
        #expect(goal.hashed)
        #expect(goal.uid == ABsmartlyUnit.hashed(Self.externalID))
        #expect(goal.achievedAt == 1_768_035_600_000, "the close part's moment, as FullStory's timestamp")
        #expect(goal.publishedAt >= goal.achievedAt)
        let properties = try JSONDocument(parsing: goal.properties).root
        #expect(properties["conversation_id"]?.string == "215472621202693")
        #expect(properties["teammate_id"]?.string == "9608799")
        #expect(properties["teammate_name"] == nil, "no names")
        #expect(properties["handling_time"]?.int == 640)
        let request = try #require(rig.collector.requests.first)
        #expect(request.header("X-Agent") == "intercom-fullstory")
        #expect(request.header("X-Application-Version") == "0")
        #expect(!request.bodyText.contains(Self.externalID), "the plain id never leaves the function")
        for text in LogHygiene.forbidden { #expect(!request.bodyText.contains(text)) }
        let output = rig.shutdown()
        #expect(output.contains(#""absmartly":"delivered""#))
        let metrics = MetricsEndToEndTests.metricLines(output).map(MetricsEndToEndTests.nonZero)
        #expect(metrics.last?["ABsmartlyDelivered"] == 1 && metrics.last?["Delivered"] == 1)
    }

    @Test func aRatingIsANumber() throws {
        let rig = try Self.rig()
        defer { rig.shutdown() }
        #expect(try rig.invoke(Self.body("rated")).statusCode == 200)
        let goal = try #require(rig.collector.goals.first)
        #expect(goal.goal == "intercom_conversation_rated")
        #expect(goal.achievedAt == 1_768_036_190_000)
        let properties = try JSONDocument(parsing: goal.properties).root
        #expect(properties["rating"]?.kind == .number && properties["rating"]?.int == 4)
        #expect(properties["remark"] == nil, "the customer's words stay out")
    }

    @Test func noExternalIDNoGoal() throws {
        let rig = try Self.rig()
        defer { rig.shutdown() }
        let response = try rig.invoke(Self.body("opened"))
        #expect(response.statusCode == 200)
        #expect(rig.collector.requests.isEmpty)
        #expect(rig.fullStory.acceptedKeys.count == 1, "FullStory unaffected")
        let output = rig.shutdown()
        #expect(output.contains(#""absmartly":"skipped""#) && output.contains(#""absmartlyReason":"no external_id""#))
        #expect(MetricsEndToEndTests.metricLines(output).map(MetricsEndToEndTests.nonZero).last?["ABsmartlySkipped"] == 1)
    }

    @Test func abSmartlyAlone() throws {
        let rig = try Self.rig(fullStory: false)
        defer { rig.shutdown() }
        let response = try rig.invoke(Self.body("closed"))
        #expect(response.statusCode == 200)
        #expect(response.bodyJSON?["status"]?.string == "delivered")
        #expect(rig.collector.goals.count == 1)
        #expect(rig.fullStoryServer.requests.isEmpty)
        let skipped = try rig.invoke(Self.body("opened"))
        #expect(skipped.statusCode == 200)
        #expect(skipped.bodyJSON?["status"]?.string == "skipped")
        let output = rig.shutdown()
        let metrics = MetricsEndToEndTests.metricLines(output).map(MetricsEndToEndTests.nonZero)
        #expect(metrics.first?["Delivered"] == nil, "FullStory's metrics count FullStory's events only")
        #expect(metrics.first?["ABsmartlyDelivered"] == 1)
    }

    @Test func aCollectorOutageIsQueuedAndTheDrainPublishesOnce() throws {
        let collector = try ABsmartlyStandIn(script: [1: .json(503, #"{"code":503,"message":"down"}"#), 2: .json(503, "{}"), 3: .json(503, "{}")])
        let rig = try Self.rig(collector: collector, queueName: "absmartly-outage")
        defer { rig.shutdown() }
        let response = try rig.invoke(Self.body("closed"))
        #expect(response.statusCode == 200)
        #expect(rig.collector.requests.count == 3, "three tries within the budget")
        #expect(rig.fullStory.acceptedKeys.count == 1)
        try rig.drain()
        #expect(rig.collector.goals.count == 1, "one goal after the drain")
        #expect(rig.collector.requests.count == 4)
        #expect(rig.fullStory.acceptedKeys.values.allSatisfy { $0 == 1 } && rig.fullStory.acceptedKeys.count == 1, "FullStory's event once")
        let queue = try #require(rig.base.queues)
        #expect(try queue.sqs.count(queue.delivery) == (0, 0))
        let output = rig.shutdown()
        #expect(output.contains(#""absmartly":"queued""#))
        let metrics = MetricsEndToEndTests.metricLines(output).map(MetricsEndToEndTests.nonZero)
        #expect(metrics.first?["ABsmartlyQueued"] == 1 && metrics.first?["ABsmartlyUnavailable"] == 1 && metrics.first?["Delivered"] == 1)
        #expect(metrics.last?["ABsmartlyDelivered"] == 1 && metrics.last?["Redelivered"] == nil)
    }

    @Test func aFullStoryOutageLeavesTheGoalAlone() throws {
        let rig = try Self.rig(queueName: "absmartly-fullstory-outage")
        defer { rig.shutdown() }
        rig.fullStory.set(.down)
        let response = try rig.invoke(Self.body("closed"))
        #expect(response.statusCode == 200)
        #expect(response.bodyJSON?["status"]?.string == "queued")
        #expect(rig.collector.goals.count == 1)
        rig.fullStory.set(.up)
        try rig.drain()
        #expect(rig.fullStory.acceptedKeys.count == 1 && rig.fullStory.acceptedKeys.values.allSatisfy { $0 == 1 })
        #expect(rig.collector.goals.count == 1, "FullStory's redelivery never resends the goal")
    }

    /// Both destinations hanging: each gets its part of the webhook's time, both are queued, and Intercom has its
    /// answer within its 5 seconds.
    @Test func bothDestinationsSlowStillAnswerInTime() throws {
        let hang = StandInServer.Reply.delayed(milliseconds: 6000, .init(.json(200, "{}")))
        let collector = try ABsmartlyStandIn(script: [1: hang, 2: hang, 3: hang])
        let rig = try Self.rig(collector: collector, queueName: "absmartly-both-slow")
        defer { rig.shutdown() }
        rig.fullStory.set(.slow(milliseconds: 6000))
        let (response, milliseconds) = try rig.emulator.invoke(SignedEvents.restAPI(body: Array(Self.body("closed").utf8)))
        #expect(response.statusCode == 200)
        #expect(response.bodyJSON?["status"]?.string == "queued")
        #expect(milliseconds < Int(5000), "Intercom's timeout")
        let queue = try #require(rig.base.queues)
        let queued = try queue.sqs.client().receiveMessages(queue: queue.delivery, maximum: 10, visibilityTimeoutSeconds: 0).map(\.body)
        #expect(queued.filter { $0.contains(#""destination":"fullstory""#) }.count == 1)
        #expect(queued.filter { $0.contains(#""destination":"absmartly""#) }.count == 1)
    }

    /// A refused key (401) or a URL that is not the Collector's (404): queued, counted and alarmed, never dropped.
    @Test(arguments: [401, 404])
    func aRefusalIsQueuedForAnOperator(status: Int) throws {
        let collector = try ABsmartlyStandIn(script: [1: .json(status, "")])
        let rig = try Self.rig(collector: collector, queueName: "absmartly-refused-\(status)")
        defer { rig.shutdown() }
        let response = try rig.invoke(Self.body("closed"))
        #expect(response.statusCode == 200)
        #expect(rig.collector.requests.count == 1, "not retried within the webhook")
        try rig.drain()
        #expect(rig.collector.goals.count == 1, "published once the Collector takes it")
        let output = rig.shutdown()
        #expect(output.contains("ABsmartly refused the key, application, environment or URL"))
        let metrics = MetricsEndToEndTests.metricLines(output).map(MetricsEndToEndTests.nonZero)
        #expect(metrics.first?["ABsmartlyRefusedKey"] == 1 && metrics.first?["ABsmartlyQueued"] == 1)
    }

    @Test func withPinningTheOpenedConversationIsPinnedAndItsGoalPublished() throws {
        let intercom = try IntercomStandIn()
        defer { intercom.shutdown() }
        intercom.setContactAttribute(NotificationSamples.contactID, "fs_session_id", "111:222")
        let rig = try Self.rig(environment: [
            "INTERCOM_PIN_SESSIONS": "true", "INTERCOM_API_URL": intercom.baseURL, "INTERCOM_ACCESS_TOKEN": IntercomStandIn.token,
        ])
        defer { rig.shutdown() }
        let response = try rig.invoke(NotificationSamples.opened(externalID: Self.externalID))
        #expect(response.statusCode == 200)
        #expect(intercom.conversationAttribute(NotificationSamples.conversationID, "fs_session_id") == "111:222")
        #expect(rig.collector.goals.map(\.goal) == ["intercom_conversation_opened"])
        #expect(rig.fullStory.acceptedKeys.count == 1)
    }

    @Test func aRefusedGoalIsFinal() throws {
        let collector = try ABsmartlyStandIn(script: [1: ABsmartlyStandIn.invalid("goal name unknown")])
        let rig = try Self.rig(collector: collector, queueName: "absmartly-refused")
        defer { rig.shutdown() }
        let response = try rig.invoke(Self.body("closed"))
        #expect(response.statusCode == 200)
        #expect(rig.collector.requests.count == 1, "not retried")
        #expect(rig.fullStory.acceptedKeys.count == 1)
        let queue = try #require(rig.base.queues)
        #expect(try queue.sqs.count(queue.delivery) == (0, 0))
        let output = rig.shutdown()
        #expect(output.contains("ABsmartly refused the goal; it is not retried") && output.contains("goal name unknown"))
        #expect(MetricsEndToEndTests.metricLines(output).map(MetricsEndToEndTests.nonZero).last?["ABsmartlyRejected"] == 1)
    }

    @Test func withoutAQueueACollectorOutageAsksIntercomToRetry() throws {
        let collector = try ABsmartlyStandIn(script: [1: .json(503, "{}"), 2: .json(503, "{}"), 3: .json(503, "{}")])
        let rig = try Self.rig(collector: collector)
        defer { rig.shutdown() }
        let response = try rig.invoke(Self.body("closed"))
        #expect(response.statusCode == 503)
        #expect(response.bodyJSON?["error"]?.string == "absmartly unavailable, retry later")
        // Intercom's retry: FullStory takes the resend under its key; the goal is published now.
        #expect(try rig.invoke(Self.body("closed")).statusCode == 200)
        #expect(rig.fullStory.acceptedKeys.count == 1)
        #expect(rig.collector.goals.count == 1)
    }

    @Test(arguments: [
        (["ABSMARTLY_API_KEY": nil], "ABSMARTLY_API_KEY is required with"),
        (["ABSMARTLY_COLLECTOR_URL": "http://collector.example.com/v1"], "ABSMARTLY_COLLECTOR_URL must be an https:// URL"),
    ] as [([String: String?], String)])
    func configurationErrorsNameTheVariable(_ change: [String: String?], message: String) throws {
        let rig = try Self.rig(environment: change)
        defer { rig.shutdown() }
        _ = try rig.emulator.invoke(SignedEvents.restAPI(body: Array(Self.body("closed").utf8)), emulatorStatus: 502)
        #expect(rig.shutdown().contains(message))
    }

    @Test func withNoDestinationTheFunctionRefusesToStart() throws {
        let rig = try Self.rig(
            fullStory: false,
            environment: ["ABSMARTLY_COLLECTOR_URL": nil, "ABSMARTLY_API_KEY": nil, "ABSMARTLY_APPLICATION": nil, "ABSMARTLY_ENVIRONMENT": nil])
        defer { rig.shutdown() }
        _ = try rig.emulator.invoke(SignedEvents.restAPI(body: Array(Self.body("closed").utf8)), emulatorStatus: 502)
        #expect(rig.shutdown().contains("FULLSTORY_API_KEY is required unless the ABsmartly destination is configured"))
    }
}
