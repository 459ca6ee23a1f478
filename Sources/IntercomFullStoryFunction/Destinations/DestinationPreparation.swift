import IntercomFullStory

/// What a destination makes of a webhook's draft.
enum DestinationPreparation {
    case send(DeliveryMessage.Request)
    /// Nothing to send (the report says why: no unit, no moment).
    case skip(DestinationReport)
}
