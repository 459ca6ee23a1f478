import IntercomFullStory
import Logging
import SystemClock

/// A queued FullStory event, sent once more with the key and body the webhook tried. Its outcome is recorded in the
/// webhooks' circuit, so that a successful redelivery closes it; after a 429, a 5xx or a refused key the rest of
/// the batch's FullStory records wait.
struct FullStoryRedelivery {
    let client: FullStoryClient
    let circuit: CircuitBreaker?
    let time: TimeSource

    func redeliver(
        _ event: FullStoryEvent, of message: DeliveryMessage, attempt: RecordAttempt, summary: inout Redelivery.Summary
    ) -> RecordOutcome {
        var logger = attempt.logger
        logger[metadataKey: "event"] = "\(event.name)"
        // The circuit is not consulted: a batch makes one call at most while FullStory fails, which is the
        // probe the circuit would make anyway, and a success closes it for the webhooks.
        if let reason = attempt.stopped[.destination(.fullStory)] {
            logger.info("not tried after an earlier failure in this batch", metadata: ["reason": "\(reason)"])
            return .retry
        }
        // A webhook Intercom retried may have reached FullStory under this key with another body, and a reply's key
        // is shared by every notification of its part: then FullStory's refusal of the key means it recorded the
        // event, as the webhook path counts it.
        let sharedKey = TopicTable.route(for: message.origin.topic)?.key == .part
        let report = client.deliver(
            event, budget: attempt.batch.record(), logger: logger, retrying: false, isReplay: message.intercomRetry || sharedKey)
        summary.fullStoryAttempts += report.attempts
        summary.fullStoryMilliseconds += report.fullStoryMilliseconds
        if report.attempts > 0 { circuit?.record(available: !report.outcome.isUnavailable, now: time.monotonicNanoseconds()) }
        switch report.outcome {
        case .delivered(let sent):
            summary.delivered += 1
            let queuedFor = max(0, Int(time.epochMilliseconds() / 1000) - message.queuedAt)
            logger.info("redelivered", metadata: ["sessionLink": "\(sent.link.label)", "queuedSeconds": "\(queuedFor)"])
            return .finished
        case .rejected(let status, let code):
            summary.rejected += 1
            logger.error(
                "FullStory refused the redelivered event; it is not retried", metadata: ["fullstoryStatus": "\(status)", "code": "\(code ?? "-")"])
            return .finished
        case .refusedCredentials(let status):
            summary.fullStoryRefusedCredentials += 1
            logger.error(
                "FullStory refused the API key or URL; check FULLSTORY_API_KEY and FULLSTORY_API_URL", metadata: ["fullstoryStatus": "\(status)"])
            return .retryStopping(.destination(.fullStory), reason: "FullStory refused the API key or URL (\(status))")
        case .unavailable(let reason):
            summary.fullStoryUnavailable += 1
            if case .retry(let retryIn) = attempt.step {
                logger.warning("redelivery failed; retried later", metadata: ["reason": "\(reason)", "retryInSeconds": "\(retryIn)"])
            } else {
                logger.error(
                    "redelivery failed and the retry schedule is over", metadata: ["reason": "\(reason)", "queuedSeconds": "\(attempt.ageSeconds)"])
            }
            return .retryStopping(.destination(.fullStory), reason: reason)
        }
    }
}
