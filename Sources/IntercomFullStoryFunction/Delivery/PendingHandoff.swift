import IntercomFullStory

/// What a webhook could not deliver or write now and hands to the delivery queue once every destination has had
/// its try: each hand-off then gets its part of the hand-off's time, so one slow SendMessage cannot take another's.
enum PendingHandoff {
    /// A destination's request; `index` is its report's in `WebhookResult.destinations`.
    case destination(DeliveryMessage, index: Int, by: any Destination)
    /// The session pin, with why it was not written and whether a write was made.
    case pin(PinMessage, failure: String, tried: Bool)

    var body: String {
        switch self {
        case .destination(let message, _, _): message.encoded()
        case .pin(let message, _, _): message.encoded()
        }
    }
}
