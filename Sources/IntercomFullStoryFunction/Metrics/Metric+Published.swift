extension Metric {
    /// The metrics a deployment publishes: FullStory's and the webhooks' always (the alarms watch them), session
    /// pinning's only with pinning on, ABsmartly's only with ABsmartly on.
    public static func published(for configuration: FunctionConfiguration) -> [Metric] {
        let pinning: Set<Metric> = [.sessionPinned, .pinFailed, .pinRefused]
        let abSmartly: Set<Metric> = [
            .abSmartlyDelivered, .abSmartlyQueued, .abSmartlyRejected, .abSmartlySkipped, .abSmartlyUnavailable, .abSmartlyRefusedKey,
        ]
        return allCases.filter { metric in
            (configuration.pinsSessions || !pinning.contains(metric)) && (configuration.abSmartly != nil || !abSmartly.contains(metric))
        }
    }
}
