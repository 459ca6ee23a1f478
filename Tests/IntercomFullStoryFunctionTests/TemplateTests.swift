import IntercomFullStory
import TestSupport
import Testing

/// template.yaml against the code it deploys.
@Suite struct TemplateTests {
    let template = TemplateText()

    @Test func theRedrivePolicyEndsTheRetrySchedule() {
        #expect(template.values(of: "maxReceiveCount") == ["\(RedeliverySchedule.delays.count)"])
    }

    @Test func theQueueFollowsAWSsAdviceForEventSourceMappings() throws {
        let functionTimeout = try #require(template.values(of: "Timeout").first.flatMap { Int($0) })
        let visibility = try #require(template.values(of: "VisibilityTimeout").first.flatMap { Int($0) })
        #expect(visibility >= 6 * functionTimeout)
        let retention = try #require(template.values(of: "MessageRetentionPeriod").compactMap { Int($0) }.min())
        #expect(retention > RedeliverySchedule.totalSpanSeconds, "messages outlive their retry schedule")
        #expect(template.values(of: "MessageRetentionPeriod").contains("1209600"), "the dead-letter queue keeps 14 days")
        #expect(template.values(of: "MaximumConcurrency") == ["2"])
        #expect(template.values(of: "FunctionResponseTypes") == ["[ReportBatchItemFailures]"])
    }
}
