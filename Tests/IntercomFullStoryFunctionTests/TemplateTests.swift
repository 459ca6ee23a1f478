import IntercomFullStory
import IntercomFullStoryFunction
import TestSupport
import Testing

/// template.yaml against the code it deploys.
@Suite struct TemplateTests {
    let template = TemplateText()

    func number(_ key: String) throws -> Int {
        try #require(template.values(of: key).first.flatMap { Int($0) }, "\(key) in template.yaml")
    }

    /// maxReceiveCount is a backstop for messages that crash the function: receives that were no tries cannot
    /// reach it before the schedule is over, and a crashing message reaches it within the queue's retention.
    @Test func theRedrivePolicyIsABackstopBehindTheSchedule() throws {
        let maxReceiveCount = try number("maxReceiveCount")
        let visibility = try number("VisibilityTimeout")
        let retention = try #require(template.values(of: "MessageRetentionPeriod").compactMap { Int($0) }.min())
        #expect(maxReceiveCount > RedeliverySchedule.maximumReceives(visibilityTimeoutSeconds: visibility))
        #expect(maxReceiveCount <= 1000, "SQS's limit")
        #expect(maxReceiveCount * visibility < retention, "a crashing message reaches the dead-letter queue before it expires")
        // A message whose schedule is over and that could not be moved comes back every visibility timeout: the
        // redrive policy still takes it before the queue's retention ends.
        #expect(RedeliverySchedule.spanSeconds + maxReceiveCount * visibility < retention)
    }

    @Test func theFunctionMovesWhatTheScheduleGivesUp() {
        #expect(template.values(of: "DEAD_LETTER_QUEUE_URL") == ["!If [DurableDeliveryOn, !Ref DeliveryDeadLetterQueue, '']"])
    }

    @Test func theQueuesTakeEveryMessageTheHandoffSends() throws {
        #expect(template.values(of: "MaximumMessageSize") == ["\(QueueHandoff.maximumMessageBytes)", "\(QueueHandoff.maximumMessageBytes)"])
    }

    @Test func theQueueFollowsAWSsAdviceForEventSourceMappings() throws {
        let functionTimeout = try number("Timeout")
        let visibility = try number("VisibilityTimeout")
        #expect(visibility >= 6 * functionTimeout)
        let retention = try #require(template.values(of: "MessageRetentionPeriod").compactMap { Int($0) }.min())
        #expect(retention > RedeliverySchedule.spanSeconds, "messages outlive their retry schedule")
        #expect(template.values(of: "MessageRetentionPeriod").contains("1209600"), "the dead-letter queue keeps 14 days")
        #expect(template.values(of: "MaximumConcurrency") == ["2"])
        #expect(template.values(of: "FunctionResponseTypes") == ["[ReportBatchItemFailures]"])
    }

    /// The metric names the alarms of namespace IntercomFullStory watch.
    var alarmedMetrics: [String] {
        template.entries(of: "Resources").flatMap { entry -> [String] in
            guard TemplateText.values(of: "Type", inLines: entry.lines) == ["AWS::CloudWatch::Alarm"],
                TemplateText.values(of: "Namespace", inLines: entry.lines) == [Metric.namespace]
            else { return [] }
            return TemplateText.values(of: "MetricName", inLines: entry.lines)
        }
    }

    /// The metric names the dashboard's widgets show in namespace IntercomFullStory.
    var dashboardMetrics: [String] {
        let marker = Array(#"["IntercomFullStory",""#.utf8)
        return template.lines.flatMap { line -> [String] in
            let bytes = Array(line.utf8)
            var names: [String] = []
            var index = 0
            while index + marker.count <= bytes.count {
                if bytes[index..<(index + marker.count)].elementsEqual(marker) {
                    let start = index + marker.count
                    let end = bytes[start...].firstIndex(of: UInt8(ascii: "\"")) ?? bytes.count
                    names.append(String(decoding: bytes[start..<end], as: UTF8.self))
                    index = end
                } else {
                    index += 1
                }
            }
            return names
        }
    }

    @Test func alarmsAndWidgetsNameOnlyMetricsTheCodeEmits() {
        let emitted = Set(Metric.allCases.map(\.name))
        #expect(Set(alarmedMetrics) == [
            "FullStoryRefusedKey", "Unauthorized", "FullStoryUnavailable", "HandoffFailed", "PinFailed", "PinRefused", "ABsmartlyRefusedKey",
            "ABsmartlyUnavailable", "ABsmartlyRejected",
        ])
        for name in alarmedMetrics + dashboardMetrics {
            #expect(emitted.contains(name), "template.yaml names \(name), which the function does not emit")
        }
        #expect(Set(dashboardMetrics) == emitted, "the dashboard shows every metric the function emits")
    }

    /// A refusal only an operator can fix alarms the first time (it is logged once per process, and a quiet workspace
    /// may see one a day), and never reports OK by itself: five quiet minutes do not mean it was fixed. Transient
    /// failures keep their three periods in a row.
    @Test func refusalsAlarmTheFirstTimeAndNeverSayOK() throws {
        let alarms = Dictionary(uniqueKeysWithValues: template.entries(of: "Resources").map { ($0.name, $0.lines) })
        for name in ["PinRefusedAlarm", "AbsmartlyRejectedAlarm"] {
            let lines = try #require(alarms[name], "\(name) in template.yaml")
            #expect(TemplateText.values(of: "EvaluationPeriods", inLines: lines) == ["1"], "\(name)")
            #expect(TemplateText.values(of: "DatapointsToAlarm", inLines: lines) == ["1"], "\(name)")
            #expect(TemplateText.values(of: "Threshold", inLines: lines) == ["1"], "\(name)")
            #expect(TemplateText.values(of: "TreatMissingData", inLines: lines) == ["notBreaching"], "\(name)")
            #expect(TemplateText.values(of: "OKActions", inLines: lines).isEmpty, "\(name) has no OK action")
            #expect(!TemplateText.values(of: "AlarmActions", inLines: lines).isEmpty, "\(name) notifies")
        }
        let transient = try #require(alarms["PinFailedAlarm"])
        #expect(TemplateText.values(of: "MetricName", inLines: transient) == ["PinFailed"])
        #expect(TemplateText.values(of: "EvaluationPeriods", inLines: transient) == ["3"])
    }

    /// The access token's description names every permission the function's calls need: pinning reads and writes
    /// conversations.
    @Test func theTokensDescriptionNamesEveryPermission() throws {
        let parameter = try #require(template.entries(of: "Parameters").first { $0.name == "IntercomAccessToken" })
        let description = TemplateText.values(of: "Description", inLines: parameter.lines).joined()
        for permission in ["Read one user and one company", ConversationUpdate.readPermission, ConversationUpdate.permission] {
            #expect(description.contains(permission), "IntercomAccessToken's description lacks \(permission)")
        }
    }

    @Test func theOperationalAlarmsAreThere() {
        let alarms = template.entries(of: "Resources").filter {
            TemplateText.values(of: "Type", inLines: $0.lines) == ["AWS::CloudWatch::Alarm"]
        }
        let watched = alarms.flatMap { TemplateText.values(of: "MetricName", inLines: $0.lines) }
        for metric in ["Errors", "Throttles", "ApproximateAgeOfOldestMessage", "ApproximateNumberOfMessagesVisible", "4XXError"] {
            #expect(watched.contains(metric), "an alarm on \(metric)")
        }
        #expect(template.values(of: "Endpoint") == ["!Ref AlarmEmail"])
    }
}
