import Budget
import IntercomFullStory
import Logging

/// What became of one record of a batch, for the partial-batch runner.
enum RecordOutcome: Equatable {
    /// Delivered, or done with for good (refused for good, a pin that another one wins over): not reported, so the
    /// event source mapping deletes it.
    case finished
    /// Failed for a time: reported, and rescheduled along `RedeliverySchedule`.
    case retry
    /// Failed for a time for a cause that holds for the rest of the batch: as `retry`, and the group's later
    /// records are not tried in this batch.
    case retryStopping(RecordGroup, reason: String)
    /// Not deliverable as configured (not ours, a destination or pinning that is off, a pin Intercom refuses):
    /// moved to the dead-letter queue, to be redriven once that changes, or reported until the redrive policy
    /// moves it there.
    case setAside
}

/// The records that fail together: one destination's events, or the pins (Intercom's).
enum RecordGroup: Hashable {
    case destination(DeliveryMessage.Destination)
    case pins
}

/// What a record's handler is given: its logger, its place in the redelivery schedule, the batch's time, and the
/// groups an earlier record of the batch stopped.
struct RecordAttempt {
    var logger: Logger
    /// Where the record's age in the queue puts it on `RedeliverySchedule`.
    let step: RedeliverySchedule.Step
    let ageSeconds: Int
    /// The batch's time; `batch.record()` is one record's share of it, from now.
    let batch: TimeBudget
    /// Why each stopped group stopped.
    let stopped: [RecordGroup: String]
}
