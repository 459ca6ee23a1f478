import IntercomFullStory

/// One destination's send: its report, and the request to hand to the queue when it could not take it now.
struct DestinationAttempt {
    var report: DestinationReport
    var toQueue: (request: DeliveryMessage.Request, reason: DeliveryMessage.Reason)?
}
