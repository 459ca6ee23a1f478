import IntercomFullStory
import IntercomFullStoryFunction
import TestSupport
import Testing

/// The Collector's 200 is read (its `PublishResponse`), in process against the Collector stand-in and moto: a 200
/// that says `ok: false` or lists errors refuses the goal for good (counted `ABsmartlyRejected`, not retried, not
/// queued, logged once per cause); warnings are logged once per cause and the goal counts as published.
@Suite(.serialized) struct CollectorAnswerTests {
    static func environment(_ collector: ABsmartlyStandIn) -> [String: String] {
        [
            "ABSMARTLY_COLLECTOR_URL": collector.baseURL, "ABSMARTLY_API_KEY": ABsmartlyStandIn.apiKey,
            "ABSMARTLY_APPLICATION": ABsmartlyStandIn.application, "ABSMARTLY_ENVIRONMENT": ABsmartlyStandIn.environment,
        ]
    }

    @Test func aRefusalInsideA200IsFinalCountedAndLoggedOnce() throws {
        let refusal = StandInServer.Reply.json(
            200, #"{"ok":false,"warnings":[],"errors":[{"batchIndex":0,"eventIndex":0,"subject":"goal","message":"goal intercom_conversation_opened not found"}]}"#)
        let collector = try ABsmartlyStandIn(script: [1: refusal, 2: refusal])
        defer { collector.shutdown() }
        let rig = try PinningDeliveryTests.rig(queue: "collector-refusal", pinning: false, environment: Self.environment(collector))
        defer { rig.shutdown() }
        for notification in ["notif_a", "notif_b"] {
            let result = rig.webhook(NotificationSamples.opened(notification: notification))
            #expect(result.reply.response.statusCode == 200)
            #expect(result.destinations.filter { $0.destination == .abSmartly }.map(\.outcome) == [.rejected(reason: "ABsmartly refused the goal in its 200 answer")])
            let metrics = InvocationMetrics(webhook: result)
            #expect(metrics[.abSmartlyRejected] == 1 && metrics[.abSmartlyDelivered] == 0 && metrics[.abSmartlyQueued] == 0)
        }
        #expect(collector.requests.count == 2, "one attempt per goal: not retried")
        #expect(try rig.queued().isEmpty, "not queued")
        let lines = rig.log.split(separator: "\n").filter { $0.contains("ABsmartly refused the goal") }
        #expect(lines.count == 1, "logged once per cause")
        #expect(lines.first?.contains("goal intercom_conversation_opened not found") == true, "with what the Collector said")
        #expect(rig.fullStory.recorded.count == 2, "FullStory's events are not held up")
    }

    @Test func warningsAreLoggedOnceAndTheGoalIsPublished() throws {
        let warned = StandInServer.Reply.json(200, #"{"ok":true,"warnings":[{"message":"property rating is not a number"}],"errors":[]}"#)
        let collector = try ABsmartlyStandIn(script: [1: warned, 2: warned])
        defer { collector.shutdown() }
        let rig = try PinningDeliveryTests.rig(queue: "collector-warning", pinning: false, environment: Self.environment(collector))
        defer { rig.shutdown() }
        for notification in ["notif_a", "notif_b"] {
            let result = rig.webhook(NotificationSamples.opened(notification: notification))
            #expect(result.destinations.filter { $0.destination == .abSmartly }.map(\.outcome) == [.delivered])
            #expect(InvocationMetrics(webhook: result)[.abSmartlyDelivered] == 1)
        }
        let lines = rig.log.split(separator: "\n").filter { $0.contains("ABsmartly took the goal with warnings") }
        #expect(lines.count == 1 && lines.first?.contains("property rating is not a number") == true)
    }

    @Test func anEmptyOrUnreadable200IsPublished() throws {
        let collector = try ABsmartlyStandIn(script: [1: .json(200, ""), 2: .json(200, "<html>ok</html>")])
        defer { collector.shutdown() }
        let rig = try PinningDeliveryTests.rig(pinning: false, environment: Self.environment(collector))
        defer { rig.shutdown() }
        for notification in ["notif_a", "notif_b"] {
            #expect(rig.webhook(NotificationSamples.opened(notification: notification)).destinations.filter { $0.destination == .abSmartly }.map(\.outcome) == [.delivered])
        }
    }
}
