import IntercomFullStory

/// What a webhook could not deliver or write now and hands to the delivery queue once every destination has had
/// its try: each hand-off then gets its part of the hand-off's time, so one slow SendMessage cannot take another's.
enum PendingHandoff {
    /// FullStory's event, as last tried.
    case fullStory(DeliveryMessage, tried: FullStoryEvent)
    /// Another destination's request; `index` is its report's in `WebhookResult.destinations`.
    case destination(DeliveryMessage, index: Int)
    /// The session pin, with why it was not written and whether a write was made.
    case pin(PinMessage, failure: String, tried: Bool)

    var body: String {
        switch self {
        case .fullStory(let message, _), .destination(let message, _): message.encoded()
        case .pin(let message, _, _): message.encoded()
        }
    }
}
