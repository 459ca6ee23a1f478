import SystemClock

/// The time a piece of an invocation may take, and every allowance it is cut from, in one place. A webhook gets
/// one budget; a redelivery batch one per record and one for its closing calls; each outgoing call asks its budget
/// for a timeout. The numbers keep these promises (`TimeBudgetTests` checks them, and the batch against
/// template.yaml):
///
/// - Intercom waits 5 s for an answer. Without a delivery queue a webhook's work ends by 4 s, leaving a second for
///   API Gateway and a cold start. With one, FullStory gets 2 s and the hand-off to SQS ends by 2.9 s: the answer
///   comes within 3 s even when FullStory hangs.
/// - The lookups that choose the session (the contact, List Sessions, a retry's read of the conversation's pin)
///   share at most 1.5 s and never more than half of what is left: FullStory keeps the rest.
/// - A pin is written after the events, within the webhook's budget: with a delivery queue it ends by 2 s, so that
///   a failed write is still queued by 2.9 s; without one, within the webhook's 4 s.
/// - Nothing runs into Lambda's deadline: a webhook keeps 300 ms to post its answer, a redelivery batch 1.5 s for
///   its visibility changes and answer.
/// - A redelivery record takes at most 4 s with FullStory and 1 s to move to the dead-letter queue.
/// - No call starts with less than 100 ms left (150 ms for an attempt at a destination): it could only time out.
///
/// Every duration here is an `Int` of milliseconds, the unit of libcurl's timeouts and of `RetryPolicy`; an `Int64` is
/// an instant on the epoch clock (Lambda's deadline), turned into a duration once, where the budget is made.
public struct TimeBudget: Sendable {
    /// How long Intercom waits for a webhook's answer.
    public static let intercomTimeoutMilliseconds = 5000
    /// A webhook's work without a delivery queue.
    public static let webhookMilliseconds = 4000
    /// FullStory's share of a webhook with a delivery queue.
    public static let queuedWebhookMilliseconds = 2000
    /// The hand-off to SQS ends by then, from the invocation's start.
    public static let handoffDeadlineMilliseconds = 2900
    /// Longest SendMessage of a hand-off (SQS normally answers in tens of milliseconds).
    public static let handoffCallMilliseconds = 900
    /// The lookups' share (and the longest of them).
    public static let contactLookupMilliseconds = 1500
    /// Longest write of a pin (`PUT /conversations/{id}`) by a webhook.
    public static let pinCallMilliseconds = 1000
    /// Longest write of a queued pin by redelivery.
    public static let redeliveredPinCallMilliseconds = 3000
    /// Longest FullStory attempt, so that a hanging FullStory leaves time for another.
    public static let fullStoryAttemptMilliseconds = 2000
    /// Longest ABsmartly attempt (its SDKs give a publish 1 to 3 s).
    public static let abSmartlyAttemptMilliseconds = 1000
    /// No destination attempt starts with less than this left: it could only time out.
    public static let minimumAttemptMilliseconds = 150
    public static let minimumCallMilliseconds = 100
    /// Kept back from Lambda's deadline to post a webhook's answer (and for a batch's closing calls).
    public static let answerReserveMilliseconds = 300
    /// Kept back from Lambda's deadline by a redelivery batch for its visibility changes and answer.
    public static let batchReserveMilliseconds = 1500
    /// A redelivery record's time with FullStory (one attempt, and the unlinked resend after a full session).
    public static let recordFullStoryMilliseconds = 4000
    /// Longest SendMessage to the dead-letter queue, after a record's last try.
    public static let deadLetterMoveMilliseconds = 1000
    /// What one redelivery record may take in all: the event source mapping's batch size times this, plus the
    /// batch reserve, fits the function's timeout.
    public static var recordMilliseconds: Int { recordFullStoryMilliseconds + deadLetterMoveMilliseconds }
    /// A record is not started with less than this left: it would most likely time out.
    public static let minimumRecordMilliseconds = 1000
    /// Longest visibility change of a batch's failed records.
    public static let batchCallMilliseconds = 1000
    /// What a batch may take when Lambda gave no deadline (tests, the CLI).
    private static let withoutDeadlineMilliseconds = 10_000
    /// The longest any allowance or deadline counts for (a day; Lambda's own limit is 15 minutes): whatever a
    /// deadline says, the arithmetic stays in range.
    private static let longestMilliseconds = 86_400_000

    /// Monotonic nanoseconds at which the budget ends.
    private let endNanoseconds: UInt64
    public let time: TimeSource

    /// `allowanceMilliseconds` from `startNanoseconds` (`nil`: no allowance of its own), ending no later than
    /// `reserveMilliseconds` before a hard deadline `deadlineMilliseconds` from now (Lambda's; `nil`: none; without
    /// one, and without an allowance: 10 s).
    public init(
        startNanoseconds: UInt64, allowanceMilliseconds: Int?, deadlineMilliseconds: Int?,
        reserveMilliseconds: Int = TimeBudget.answerReserveMilliseconds, time: TimeSource
    ) {
        // The allowance counts from the start; the deadline from now (a budget made part-way through an
        // invocation, as the hand-off's is, must not run past it).
        let now = time.monotonicNanoseconds()
        let deadlineEnd = deadlineMilliseconds.map {
            now + Self.nanoseconds(min(max($0, -Self.longestMilliseconds), Self.longestMilliseconds) - reserveMilliseconds)
        }
        let allowanceEnd = (allowanceMilliseconds ?? (deadlineEnd == nil ? Self.withoutDeadlineMilliseconds : nil)).map {
            startNanoseconds + Self.nanoseconds($0)
        }
        endNanoseconds = min(allowanceEnd ?? UInt64.max, deadlineEnd ?? UInt64.max)
        self.time = time
    }

    /// One redelivery record's time with its destination (or Intercom, for a pin), within what the batch has left.
    public func record() -> TimeBudget {
        let end = min(endNanoseconds, time.monotonicNanoseconds() + Self.nanoseconds(Self.recordFullStoryMilliseconds))
        return TimeBudget(endNanoseconds: end, time: time)
    }

    /// An equal part of what is left, from now, for the first of `parts` destinations that follow one another (the
    /// next one takes its part of what is left then): a slow destination cannot take the others' time.
    public func share(of parts: Int) -> TimeBudget {
        guard parts > 1 else { return self }
        let part = remainingMilliseconds() / parts
        return TimeBudget(endNanoseconds: min(endNanoseconds, time.monotonicNanoseconds() + Self.nanoseconds(part)), time: time)
    }

    /// The lookups' share of this budget, from now: at most 1.5 s and half of what is left.
    public func lookupShare() -> TimeBudget {
        let share = min(Self.contactLookupMilliseconds, remainingMilliseconds() / 2)
        return TimeBudget(endNanoseconds: min(endNanoseconds, time.monotonicNanoseconds() + Self.nanoseconds(share)), time: time)
    }

    private static func nanoseconds(_ milliseconds: Int) -> UInt64 {
        UInt64(min(max(0, milliseconds), longestMilliseconds)) * 1_000_000
    }

    /// A budget that ends at `endNanoseconds` on `time`'s monotonic clock.
    private init(endNanoseconds: UInt64, time: TimeSource) {
        self.endNanoseconds = endNanoseconds
        self.time = time
    }

    public func remainingMilliseconds() -> Int {
        let now = time.monotonicNanoseconds()
        return now >= endNanoseconds ? 0 : Int((endNanoseconds - now) / 1_000_000)
    }

    /// A call's timeout: what is left, at most `cap` (and at most half of what is left with `halfAtMost`); `nil`
    /// when less than `minimum` is left.
    public func timeout(cappedAt cap: Int, halfAtMost: Bool = false, minimum: Int = TimeBudget.minimumCallMilliseconds) -> Int? {
        let remaining = remainingMilliseconds()
        let timeout = min(cap, halfAtMost ? remaining / 2 : remaining)
        return timeout >= minimum ? timeout : nil
    }
}
