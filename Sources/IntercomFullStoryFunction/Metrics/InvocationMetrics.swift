import IntercomFullStory

/// The values one invocation publishes: every count (zeros included, so that dashboards and alarms see a
/// steady series), and FullStory's latency when FullStory was called.
public struct InvocationMetrics: Sendable, Equatable {
    /// By `Metric.rawValue`.
    public private(set) var counts = [Int](repeating: 0, count: Metric.allCases.count)
    /// Milliseconds spent waiting for FullStory; `nil` when it was not called.
    public private(set) var fullStoryLatency: Double?

    public init() {}

    public mutating func add(_ metric: Metric, _ amount: Int = 1) { counts[metric.rawValue] += amount }

    public subscript(_ metric: Metric) -> Int { counts[metric.rawValue] }

    /// One destination's report, under its own metrics.
    mutating func add(_ report: DestinationReport) {
        guard let metrics = DestinationMetrics.of(report.destination) else { return }
        switch report.outcome {
        case .delivered: add(metrics.delivered)
        case .queued: add(metrics.queued)
        case .rejected: add(metrics.rejected)
        case .skipped: add(metrics.skipped)
        case .failed: break
        }
        if report.unavailable { add(metrics.unavailable) }
        if report.refusedCredentials { add(metrics.refusedKey) }
        if report.handoffFailure != nil { add(.handoffFailed) }
    }

    mutating func addFullStoryCalls(attempts: Int, milliseconds: Double) {
        add(.fullStoryAttempts, attempts)
        if attempts > 0 { fullStoryLatency = (fullStoryLatency ?? 0) + milliseconds }
    }

    /// A webhook's metrics from its reply and delivery.
    public init(webhook result: WebhookResult) {
        // A pin's or another destination's failure may change the answer (503); FullStory's event counts by its
        // own, and only when FullStory had it (without FullStory, the other destinations count below).
        let fullStoryHadIt = result.report != nil
        switch (result.eventReply ?? result.reply).outcome {
        case .delivered: if fullStoryHadIt { add(.delivered) }
        case .queued:
            if fullStoryHadIt {
                add(.queued)
                add(result.queued?.reason == .fullStoryRefusedCredentials ? .fullStoryRefusedKey : .fullStoryUnavailable)
            }
        case .rejectedByFullStory: add(.rejected)
        case .ignored: add(.ignored)
        case .appNotAllowed: add(.appNotAllowed)
        case .unauthorized: add(.unauthorized)
        case .badRequest, .payloadTooLarge, .methodNotAllowed: add(.badRequest)
        case .fullStoryUnavailable: add(.fullStoryUnavailable)
        case .fullStoryRefusedCredentials: add(.fullStoryRefusedKey)
        case .health, .ping, .pinNotWritten, .skipped, .rejectedByDestination, .destinationUnavailable: break
        }
        for report in result.destinations { add(report) }
        if result.handoffFailure != nil { add(.handoffFailed) }
        if result.pinHandoffFailure != nil { add(.handoffFailed) }
        if let pin = result.pin {
            if pin.outcome == .pinned { add(.sessionPinned) }
            if pin.writeFailed { add(.pinFailed) }
            if pin.refused { add(.pinRefused) }
        }
        if let report = result.report { addFullStoryCalls(attempts: report.attempts, milliseconds: report.fullStoryMilliseconds) }
    }

    /// A redelivery batch's metrics, per record.
    public init(redelivery summary: Redelivery.Summary) {
        add(.redelivered, summary.delivered)
        add(.redeliveryFailed, summary.failed)
        add(.deadLettered, summary.deadLettered)
        add(.rejected, summary.rejected)
        add(.fullStoryUnavailable, summary.fullStoryUnavailable)
        add(.fullStoryRefusedKey, summary.fullStoryRefusedCredentials)
        add(.sessionPinned, summary.pinned)
        add(.pinFailed, summary.pinFailed)
        add(.pinRefused, summary.pinRefused)
        for report in summary.destinations { add(report) }
        addFullStoryCalls(attempts: summary.fullStoryAttempts, milliseconds: summary.fullStoryMilliseconds)
    }
}
