import IntercomFullStory

/// What a state file says happened, replayed from its records.
struct BackfillState {
    var header: BackfillJournal.Header?
    /// Every event found so far, in the order found.
    var events: [FullStoryEvent] = []
    var eventKeys: Set<String> = []
    var conversationsRead = 0
    var skipped: [String: Int] = [:]
    /// Where reading goes on: `nil` before the first page, or after the last (see `readComplete`).
    var nextCursor: String?
    var pagesRead = 0
    var readComplete = false
    var sent: Set<String> = []
    var refused: Set<String> = []
    /// Batch jobs created, and those that ended.
    var jobs: [(id: String, keys: [String])] = []
    /// Jobs that ended, with their status.
    var finishedJobs: [String: String] = [:]

    init(_ records: [BackfillJournal.Record]) {
        for record in records { apply(record) }
    }

    mutating func apply(_ record: BackfillJournal.Record) {
        switch record {
        case .header(let header): self.header = header
        case .event(let event):
            if eventKeys.insert(event.idempotencyKey).inserted { events.append(event) }
        case .page(let next, let conversations, let skippedHere):
            pagesRead += 1
            conversationsRead += conversations
            nextCursor = next
            skipped.merge(skippedHere, uniquingKeysWith: +)
        case .read: readComplete = true
        case .sent(let key): sent.insert(key)
        case .refused(let key, _, _): refused.insert(key)
        case .job(let id, let keys): jobs.append((id, keys))
        case .jobDone(let id, _, _, let status): finishedJobs[id] = status
        }
    }

    /// Keys that need nothing more: sent, refused, or in a job that COMPLETED. A FAILED job settles only what
    /// FullStory's imports and errors listings accounted for (journaled as `sent` and `refused`).
    var settled: Set<String> {
        var keys = sent.union(refused)
        for job in jobs where finishedJobs[job.id] == "COMPLETED" { keys.formUnion(job.keys) }
        return keys
    }

    /// Keys of jobs that ended FAILED that FullStory's listings did not account for: they may or may not have
    /// been imported. A later run sends them through Create Event, and reports them as possibly duplicated.
    var unconfirmed: Set<String> {
        var keys: Set<String> = []
        for job in jobs where finishedJobs[job.id].map({ $0 != "COMPLETED" }) == true { keys.formUnion(job.keys) }
        return keys.subtracting(sent).subtracting(refused)
    }

    /// Jobs created but not seen to end (an interruption while FullStory processed them).
    var unfinishedJobs: [(id: String, keys: [String])] { jobs.filter { finishedJobs[$0.id] == nil } }
}
