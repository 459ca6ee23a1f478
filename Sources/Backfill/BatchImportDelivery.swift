import IntercomFullStory

/// The backfill's pending events through FullStory's batch import: one job at a time (a job the state file holds
/// unfinished first), its id journaled before it is waited for, and what it came to settled from its listings.
struct BatchImportDelivery {
    let importer: BatchImporter
    let progress: BackfillProgress
    let shouldStop: () -> Bool

    func send(
        _ events: [FullStoryEvent], state: BackfillState, journal: StateFile?, summary: inout BackfillSummary
    ) throws(BackfillRun.Failure) {
        defer { progress.finish() }
        let byKey = Dictionary(events.map { ($0.idempotencyKey, $0) }, uniquingKeysWith: { first, _ in first })
        var jobs: [(job: BatchImporter.Job, events: [FullStoryEvent])] = state.unfinishedJobs.map { job in
            (BatchImporter.Job(id: job.id, keys: job.keys), job.keys.compactMap { byKey[$0] })
        }
        let inJobs = Set(jobs.flatMap(\.job.keys))
        var remaining = BatchImporter.jobs(events.filter { !inJobs.contains($0.idempotencyKey) })[...]
        do throws(BatchImporter.Failure) {
            while !shouldStop() {
                if jobs.isEmpty {
                    guard let next = remaining.popFirst() else { break }
                    let job = try importer.create(next)
                    journal?.append(.job(id: job.id, keys: job.keys))
                    journal?.flush()
                    jobs.append((job, next))
                    progress.note("batch import job \(job.id) created for \(next.count) events")
                }
                let (job, jobEvents) = jobs.removeFirst()
                guard let finished = try importer.wait(for: job.id, shouldStop: shouldStop) else { break }
                try settle(job, finished: finished, events: jobEvents, journal: journal, summary: &summary)
                progress.sent = summary.sent
                progress.refused = summary.refused
                progress.update(force: true)
            }
        } catch {
            throw BackfillRun.Failure(description: error.description)
        }
    }

    /// What a finished job came to. COMPLETED without errors: every event was imported. Otherwise only what the
    /// imports and errors listings name is known; the rest stays unconfirmed in the state file.
    private func settle(
        _ job: BatchImporter.Job, finished: BatchImporter.Finished, events: [FullStoryEvent], journal: StateFile?,
        summary: inout BackfillSummary
    ) throws(BatchImporter.Failure) {
        var refusedKeys: Set<String> = []
        var importedKeys: Set<String> = []
        let completed = finished.status == "COMPLETED" && finished.errors == 0
        if !completed {
            var index = JobEventIndex(events)
            for error in try importer.errors(of: job.id) {
                progress.note("FullStory did not import an event: \(error.code ?? "no code") \(error.message ?? "")")
                if let key = index.take(name: error.name, timestamp: error.timestamp, conversationID: error.conversationID) {
                    refusedKeys.insert(key)
                    journal?.append(.refused(key: key, status: 400, code: error.code))
                }
            }
            for imported in try importer.imports(of: job.id) {
                if let key = index.take(name: imported.name, timestamp: imported.timestamp, conversationID: imported.conversationID) {
                    importedKeys.insert(key)
                    journal?.append(.sent(key: key))
                }
            }
        }
        // Only a job that COMPLETED without errors settles all its events: one that reports errors is journaled as
        // FAILED (FullStory says FAILED includes partial failure), whatever its status.
        journal?.append(.jobDone(id: job.id, imports: finished.imports, errors: finished.errors, status: completed ? "COMPLETED" : "FAILED"))
        journal?.flush()
        if completed {
            summary.sent += events.count
            return
        }
        let unconfirmed = events.count - importedKeys.count - refusedKeys.count
        summary.sent += importedKeys.count
        summary.refused += refusedKeys.count
        summary.unconfirmed += unconfirmed
        if unconfirmed > 0 {
            progress.note("batch import job \(job.id) ended \(finished.status): \(unconfirmed) of its events are neither in its imports nor in its errors")
        }
    }
}
