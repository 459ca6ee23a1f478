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
    var finishedJobs: Set<String> = []

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
        case .jobDone(let id, _, _): finishedJobs.insert(id)
        }
    }

    /// Keys that need nothing more: sent, refused, or in a job that ended.
    var settled: Set<String> {
        var keys = sent.union(refused)
        for job in jobs where finishedJobs.contains(job.id) { keys.formUnion(job.keys) }
        return keys
    }

    /// Jobs created but not seen to end (an interruption while FullStory processed them).
    var unfinishedJobs: [(id: String, keys: [String])] { jobs.filter { !finishedJobs.contains($0.id) } }
}
