import CurlHTTP
import IntercomFullStory
import ServiceClients
import SystemClock

/// The backfill's first step: the window's conversations, page by page from Intercom's search, made into events
/// and journaled (each page's cursor too, so that an interrupted read carries on from the next page).
struct BackfillReader {
    let configuration: BackfillConfiguration
    let progress: BackfillProgress
    let time: TimeSource
    let shouldStop: () -> Bool

    func read(into state: inout BackfillState, header: BackfillJournal.Header, journal: StateFile?) throws {
        let intercom = IntercomSearchClient(
            baseURL: configuration.services.intercomAPIURL, token: configuration.intercomAccessToken,
            http: try HTTPClient(options: configuration.services.httpOptions), time: time, note: progress.note)
        let appID: String?
        do {
            appID = try intercom.workspaceID()
        } catch {
            throw BackfillRun.Failure(description: error.description)
        }
        let mapper = BackfillMapper(
            window: header.window, topics: Set(header.topics.compactMap(BackfillTopic.init(rawValue:))), appID: appID,
            sessionAttribute: configuration.services.sessionAttribute, inboxBaseURL: configuration.services.inboxBaseURL,
            pageURLPolicy: configuration.pageURLPolicy)
        progress.conversationsRead = state.conversationsRead
        progress.eventsFound = state.events.count
        var cursor = state.nextCursor
        // A state file whose last page had no successor is complete even without its closing record.
        if state.pagesRead > 0, cursor == nil {
            journal?.append(.read(events: state.events.count, conversations: state.conversationsRead))
            return
        }
        while !shouldStop() {
            let page: ConversationSearch.Page
            do {
                page = try intercom.page(window: header.window, startingAfter: cursor)
            } catch {
                throw BackfillRun.Failure(description: error.description + (journal == nil ? "" : "; the pages read so far are in --state"))
            }
            take(page, mapper: mapper, into: &state, journal: journal)
            guard let next = page.nextCursor else { break }
            cursor = next
        }
        guard !shouldStop() else { return }
        journal?.append(.read(events: state.events.count, conversations: state.conversationsRead))
        journal?.flush()
        state.apply(.read(events: state.events.count, conversations: state.conversationsRead))
        progress.update(force: true)
    }

    /// One page's events (those not already in the state) and the page itself, journaled and applied.
    private func take(_ page: ConversationSearch.Page, mapper: BackfillMapper, into state: inout BackfillState, journal: StateFile?) {
        var skipped: [String: Int] = [:]
        for item in page.conversations {
            let found = mapper.events(of: item)
            for reason in found.skipped { skipped[reason.rawValue, default: 0] += 1 }
            for event in found.events where !state.eventKeys.contains(event.idempotencyKey) {
                journal?.append(.event(event))
                state.apply(.event(event))
            }
        }
        let record = BackfillJournal.Record.page(next: page.nextCursor, conversations: page.conversations.count, skipped: skipped)
        journal?.append(record)
        state.apply(record)
        progress.conversationsRead = state.conversationsRead
        progress.conversationsTotal = page.totalCount
        progress.eventsFound = state.events.count
        progress.update()
    }
}
