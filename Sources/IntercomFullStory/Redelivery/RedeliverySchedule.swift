/// When a record that failed redelivery is tried next, by how long its message has been in the delivery queue
/// (SQS's `SentTimestamp`), never by how often SQS handed it out: many receives are not tries (records left when
/// the deadline nears, the rest of a batch after a 429 or 5xx, throttled or failed invocations). Each delay equals
/// the message's age (at least 30 s, at most SQS's 12 h), so tries double their spacing whatever happened in
/// between: about 14 tries over 30 hours. Then the schedule is exhausted and the message goes to the dead-letter
/// queue. A redrive from the dead-letter queue sends the message anew, which resets `SentTimestamp`: the schedule
/// starts over.
public enum RedeliverySchedule {
    /// The shortest delay (and the delivery queue's `DelaySeconds` before the first redelivery).
    private static let firstDelaySeconds = 30
    /// SQS's longest visibility timeout.
    private static let maximumDelaySeconds = 43_200
    /// How long after its first enqueue a message is still tried: 30 hours, so that a day-long outage of FullStory
    /// loses nothing.
    public static let spanSeconds = 108_000

    public enum Step: Equatable, Sendable {
        /// Try again after this many seconds.
        case retry(afterSeconds: Int)
        /// The schedule is over: the message goes to the dead-letter queue.
        case exhausted
    }

    /// What follows a failed try of a message that has been queued for `ageSeconds`.
    public static func next(ageSeconds: Int) -> Step {
        let age = max(0, ageSeconds)
        guard age < spanSeconds else { return .exhausted }
        let delay = min(max(age, firstDelaySeconds), maximumDelaySeconds)
        // The last try falls on the end of the span, not past it.
        return .retry(afterSeconds: max(1, min(delay, spanSeconds - age)))
    }

    /// The ages at which a message that always fails is tried, from its first redelivery; ends with the try
    /// after which it is exhausted.
    public static var tryAges: [Int] {
        var ages = [firstDelaySeconds]
        while case .retry(let delay) = next(ageSeconds: ages[ages.count - 1]) { ages.append(ages[ages.count - 1] + delay) }
        return ages
    }

    /// The most receives a message can have before its schedule is exhausted: its tries, plus one receive per
    /// `visibilityTimeoutSeconds` in which nothing rescheduled it (a crash, a throttled invocation). The redrive
    /// policy's `maxReceiveCount` must lie above it, so that it only catches messages that crash the function.
    public static func maximumReceives(visibilityTimeoutSeconds: Int) -> Int {
        tryAges.count + (spanSeconds + visibilityTimeoutSeconds - 1) / max(1, visibilityTimeoutSeconds)
    }
}
