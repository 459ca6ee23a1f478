import IntercomFullStory

/// The backfill's pending events through Create Event, several at once (`CreateEventSender`): each outcome
/// journaled and counted as it ends.
struct CreateEventDelivery {
    let sender: CreateEventSender
    let progress: BackfillProgress
    let shouldStop: () -> Bool

    func send(_ events: [FullStoryEvent], journal: StateFile?, summary: inout BackfillSummary) throws(BackfillRun.Failure) {
        var counts = (sent: 0, refused: 0, failed: 0)
        defer {
            summary.sent += counts.sent
            summary.refused += counts.refused
            summary.failed += counts.failed
            progress.finish()
        }
        do {
            try sender.send(events, shouldStop: shouldStop) { result in
                switch result {
                case .sent(let key):
                    journal?.append(.sent(key: key))
                    counts.sent += 1
                    progress.sent += 1
                case .refused(let key, let status, let code):
                    journal?.append(.refused(key: key, status: status, code: code))
                    counts.refused += 1
                    progress.refused += 1
                    progress.note("FullStory refused an event (\(status) \(code ?? "without a code")); it is not retried")
                case .failed(_, let reason):
                    counts.failed += 1
                    progress.failed += 1
                    progress.note("an event could not be sent: \(reason)")
                }
                progress.update()
            }
        } catch {
            throw BackfillRun.Failure(description: error.description)
        }
    }
}
