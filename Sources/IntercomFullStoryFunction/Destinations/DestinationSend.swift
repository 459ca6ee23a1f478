import IntercomFullStory

/// How a destination's request is sent: within a webhook (the tries that fit its budget; FullStory's circuit is
/// consulted) or as a queued record's redelivery (one try: the queue's schedule is the retry). With `isReplay` the
/// request may have reached the destination before under its key (Intercom's retry of the webhook, or a reply's key,
/// which every notification of its part shares), so FullStory's refusal of the key means an earlier delivery
/// recorded the event.
enum DestinationSend {
    case webhook(isReplay: Bool)
    case redelivery(isReplay: Bool)

    static func forWebhook(_ draft: EventDraft) -> DestinationSend {
        .webhook(isReplay: draft.isIntercomRetry || draft.route.key == .part)
    }

    static func forRedelivery(_ message: DeliveryMessage) -> DestinationSend {
        .redelivery(isReplay: message.intercomRetry || TopicTable.route(for: message.origin.topic)?.key == .part)
    }

    /// A webhook's sends retry within its budget; a redelivery's make one try.
    var retrying: Bool {
        if case .webhook = self { true } else { false }
    }

    var isReplay: Bool {
        switch self {
        case .webhook(let isReplay), .redelivery(let isReplay): isReplay
        }
    }
}
