import IntercomFullStory
import Logging

/// A destination beside FullStory (FullStory's own path, with its session linking, pinning and circuit, is
/// `WebhookDelivery`'s): it makes its request from the destination-neutral draft, or says why it has none, and sends
/// a request within the budget it is given, the webhook's or a queued one's. Adding one is a folder like
/// `ABsmartly/` with a type conforming to this, its metrics in `Metric` and `DestinationMetrics`, and its settings in
/// `FunctionConfiguration`.
protocol Destination: AnyObject {
    var name: DeliveryMessage.Destination { get }

    /// The request for `draft`, or the report of why there is none (it then takes none of the webhook's time).
    func prepare(_ draft: EventDraft) -> DestinationPreparation

    /// One send of `request`: with `retrying`, the tries that fit `budget` (a webhook); without, one (redelivery).
    func send(_ request: DeliveryMessage.Request, budget: TimeBudget, logger: Logger, retrying: Bool) -> DestinationAttempt
}
