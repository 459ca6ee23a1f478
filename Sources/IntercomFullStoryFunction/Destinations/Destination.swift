import IntercomFullStory
import Logging

/// A destination beside FullStory (FullStory's own path, with its session linking, pinning and circuit, is
/// `WebhookDelivery`'s): it makes its request from the destination-neutral draft, sends it within the budget it is
/// given, and resends a request of its own that the queue gives back. Adding one is a folder like `ABsmartly/`
/// with a type conforming to this, its metrics in `Metric`, and its settings in `FunctionConfiguration`.
protocol Destination: AnyObject {
    var name: DeliveryMessage.Destination { get }

    /// The webhook's delivery of `draft`: what happened, and when the destination could not take it now, the
    /// request to queue and why.
    func deliver(_ draft: EventDraft, budget: TimeBudget, logger: Logger) -> DestinationAttempt

    /// Redelivery's one try of a queued request of this destination.
    func redeliver(_ request: DeliveryMessage.Request, budget: TimeBudget, logger: Logger) -> DestinationAttempt
}

/// One destination's try: its report, and the request to hand to the queue when it could not take it now.
struct DestinationAttempt {
    var report: DestinationReport
    var toQueue: (request: DeliveryMessage.Request, reason: DeliveryMessage.Reason)?
}
