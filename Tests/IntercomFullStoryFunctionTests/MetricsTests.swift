import FlatJSON
import IntercomFullStory
import IntercomFullStoryFunction
import Testing

/// The EMF line: its shape, its level, and the counts of each outcome.
@Suite struct MetricsTests {
    static func line(_ metrics: InvocationMetrics, level: String? = nil) throws -> JSONValue {
        final class Captured: @unchecked Sendable { var bytes: [UInt8] = [] }
        let captured = Captured()
        let publisher = MetricsPublisher(
            environment: { ["AWS_LAMBDA_FUNCTION_NAME": "intercom-fullstory-prod", "AWS_LAMBDA_LOG_LEVEL": level][$0] ?? nil },
            sink: { captured.bytes = $0 })
        publisher.publish(metrics, epochMilliseconds: 1_796_114_316_945)
        #expect(captured.bytes.last == 0x0A, "one line")
        #expect(captured.bytes.dropLast().allSatisfy { $0 != 0x0A })
        return try JSONDocument(parsing: Array(captured.bytes.dropLast())).root
    }

    @Test func theLineIsEmbeddedMetricFormat() throws {
        var metrics = InvocationMetrics()
        metrics.add(.delivered)
        metrics.add(.fullStoryAttempts, 2)
        let root = try Self.line(metrics)
        #expect(root["_aws", "Timestamp"]?.int == 1_796_114_316_945)
        let directive = try #require(root["_aws", "CloudWatchMetrics"]?.elements.first { _ in true })
        #expect(directive["Namespace"]?.string == "IntercomFullStory")
        #expect(directive["Dimensions"]?.elements.map { $0.elements.compactMap(\.string) } == [["FunctionName"]])
        #expect(root["FunctionName"]?.string == "intercom-fullstory-prod")
        let names = directive["Metrics"]?.elements.compactMap { $0["Name"]?.string } ?? []
        #expect(Set(names) == Set(Metric.allCases.map(\.name)).subtracting(["FullStoryLatency"]), "no latency without a call")
        for name in names {
            #expect(root[name]?.kind == .number, "\(name) is a root member holding a number")
        }
        #expect(root["Delivered"]?.int == 1)
        #expect(root["FullStoryAttempts"]?.int == 2)
        #expect(root["Queued"]?.int == 0, "zeros are published too")
    }

    /// A feature that is off publishes no series (CloudWatch bills each as a custom metric).
    @Test func onlyTheConfiguredFeaturesMetricsArePublished() throws {
        let base = ["FULLSTORY_API_KEY": "na1.key", "INTERCOM_CLIENT_SECRET": "secret"]
        let plain = Metric.published(for: try FunctionConfiguration(environment: base))
        #expect(!plain.contains(.sessionPinned) && !plain.contains(.abSmartlyDelivered))
        #expect(!plain.contains(.pinFailed) && !plain.contains(.pinRefused) && !plain.contains(.abSmartlyRejected))
        #expect(plain.contains(.delivered) && plain.contains(.handoffFailed) && plain.contains(.fullStoryLatency))
        var full = base
        full["INTERCOM_PIN_SESSIONS"] = "true"
        full["INTERCOM_ACCESS_TOKEN"] = "token"
        for (name, value) in ABsmartlyConfigurationTests.abSmartly { full[name] = value }
        #expect(Set(Metric.published(for: try FunctionConfiguration(environment: full))) == Set(Metric.allCases))
        final class Captured: @unchecked Sendable { var bytes: [UInt8] = [] }
        let captured = Captured()
        MetricsPublisher(functionName: "f", level: "INFO", metrics: plain, sink: { captured.bytes = $0 })
            .publish(InvocationMetrics(), epochMilliseconds: 1_796_114_316_945)
        let root = try JSONDocument(parsing: Array(captured.bytes.dropLast())).root
        let names = root["_aws", "CloudWatchMetrics"]?.elements.first { _ in true }?["Metrics"]?.elements.compactMap { $0["Name"]?.string }
        #expect(names.map(Set.init) == Set(plain.map(\.name)).subtracting(["FullStoryLatency"]))
        #expect(root["SessionPinned"] == nil && root["ABsmartlyDelivered"] == nil)
    }

    @Test func theLevelSurvivesLambdasLogLevelFilter() throws {
        #expect(try Self.line(InvocationMetrics())["level"]?.string == "INFO")
        #expect(try Self.line(InvocationMetrics(), level: "DEBUG")["level"]?.string == "INFO")
        #expect(try Self.line(InvocationMetrics(), level: "WARN")["level"]?.string == "WARN")
        #expect(try Self.line(InvocationMetrics(), level: "ERROR")["level"]?.string == "ERROR")
    }

    @Test func latencyIsMillisecondsWithThreeDecimals() throws {
        #expect(MetricsPublisher.milliseconds(12.3456) == "12.346")
        #expect(MetricsPublisher.milliseconds(0.0004) == "0.000")
        #expect(MetricsPublisher.milliseconds(1999.9996) == "2000.000")
        #expect(MetricsPublisher.milliseconds(-1) == "0.000")
    }
}
