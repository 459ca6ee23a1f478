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

    /// One destination's report, under its own metrics (`redelivered`: a queued record's, which FullStory counts
    /// apart).
    mutating func add(_ report: DestinationReport, redelivered: Bool = false) {
        let metrics = DestinationMetrics.of(report.destination)
        switch report.outcome {
        case .delivered: add(redelivered ? metrics.redelivered : metrics.delivered)
        case .queued: add(metrics.queued)
        case .rejected: add(metrics.rejected)
        case .skipped: if let skipped = metrics.skipped { add(skipped) }
        case .failed: break
        }
        if report.unavailable { add(metrics.unavailable) }
        if report.refusedCredentials { add(metrics.refusedKey) }
        if report.handoffFailure != nil { add(.handoffFailed) }
        if metrics.publishesCalls {
            add(.fullStoryAttempts, report.attempts)
            if report.attempts > 0 { fullStoryLatency = (fullStoryLatency ?? 0) + report.milliseconds }
        }
    }

    /// A webhook's metrics from its reply and delivery.
    public init(webhook result: WebhookResult) {
        // What no destination answered; a destination's outcome counts by its report, whatever the answer became.
        switch result.reply.outcome {
        case .ignored: add(.ignored)
        case .appNotAllowed: add(.appNotAllowed)
        case .unauthorized: add(.unauthorized)
        case .badRequest, .payloadTooLarge, .methodNotAllowed: add(.badRequest)
        case .health, .ping, .pinNotWritten, .skipped, .rejectedByDestination, .destinationUnavailable, .delivered, .queued,
            .rejectedByFullStory, .fullStoryUnavailable, .fullStoryRefusedCredentials:
            break
        }
        for report in result.destinations { add(report) }
        if result.pinHandoffFailure != nil { add(.handoffFailed) }
        if let pin = result.pin {
            if pin.outcome == .pinned { add(.sessionPinned) }
            if pin.writeFailed { add(.pinFailed) }
            if pin.refused { add(.pinRefused) }
        }
    }

    /// A redelivery batch's metrics, per record.
    public init(redelivery summary: Redelivery.Summary) {
        add(.redeliveryFailed, summary.failed)
        add(.deadLettered, summary.deadLettered)
        add(.sessionPinned, summary.pinned)
        add(.pinFailed, summary.pinFailed)
        add(.pinRefused, summary.pinRefused)
        for report in summary.destinations { add(report, redelivered: true) }
    }
}
