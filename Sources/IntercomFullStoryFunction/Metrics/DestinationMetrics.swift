import IntercomFullStory

/// A destination's own metrics (FullStory's keep their first names: `Delivered`, `Queued`…).
struct DestinationMetrics {
    var delivered, queued, rejected, skipped, unavailable, refusedKey: Metric

    static func of(_ destination: DeliveryMessage.Destination) -> DestinationMetrics? {
        switch destination {
        case .fullStory: nil
        case .abSmartly:
            DestinationMetrics(
                delivered: .abSmartlyDelivered, queued: .abSmartlyQueued, rejected: .abSmartlyRejected, skipped: .abSmartlySkipped,
                unavailable: .abSmartlyUnavailable, refusedKey: .abSmartlyRefusedKey)
        }
    }
}
