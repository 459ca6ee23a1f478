import IntercomFullStory

/// Each destination's metrics, by outcome (FullStory's keep their first names: `Delivered`, `Queued`…, and
/// `Redelivered` for what the delivery queue's records delivered).
struct DestinationMetrics {
    var delivered, redelivered, queued, rejected: Metric
    /// `nil`: the destination never skips an event it is given.
    var skipped: Metric?
    var unavailable, refusedKey: Metric
    /// Whether its tries and the time spent waiting for its answers are published (`FullStoryAttempts` and
    /// `FullStoryLatency`: FullStory's only; no other destination's calls have metrics of their own).
    var publishesCalls: Bool

    static func of(_ destination: DeliveryMessage.Destination) -> DestinationMetrics {
        switch destination {
        case .fullStory:
            DestinationMetrics(
                delivered: .delivered, redelivered: .redelivered, queued: .queued, rejected: .rejected, skipped: nil,
                unavailable: .fullStoryUnavailable, refusedKey: .fullStoryRefusedKey, publishesCalls: true)
        case .abSmartly:
            DestinationMetrics(
                delivered: .abSmartlyDelivered, redelivered: .abSmartlyDelivered, queued: .abSmartlyQueued, rejected: .abSmartlyRejected,
                skipped: .abSmartlySkipped, unavailable: .abSmartlyUnavailable, refusedKey: .abSmartlyRefusedKey, publishesCalls: false)
        }
    }
}
