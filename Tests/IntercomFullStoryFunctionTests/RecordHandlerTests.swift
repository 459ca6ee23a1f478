import Budget
import CurlHTTP
import IntercomFullStory
@testable import IntercomFullStoryFunction
import LambdaRuntime
import Logging
import ServiceClients
import SystemClock
import TestSupport
import Testing

/// Each kind of queued record's handler on its own, against the stand-ins: what it sends, what it counts, and what
/// it tells the partial-batch runner (finished, retry, stop its group, set aside).
@Suite struct RecordHandlerTests {
    static let logger = Logger(label: "t") { _ in SwiftLogNoOpLogHandler() }

    static func attempt(stopped: [RecordGroup: String] = [:]) -> RecordAttempt {
        let context = LambdaContext(requestID: "r", deadlineEpochMilliseconds: nil, logger: logger)
        let batch = TimeBudget.batch(startNanoseconds: SystemClock.monotonicNanoseconds(), context: context, time: .system)
        return RecordAttempt(logger: logger, step: .retry(afterSeconds: 30), ageSeconds: 0, batch: batch, stopped: stopped)
    }

    static func message(_ fixture: String) throws -> QueuedMessage {
        try QueuedMessage.decode(readFile(repositoryRoot + "/Tests/Fixtures/messages/\(fixture)").trimmingASCIIWhitespace()).get()
    }

    static func fullStoryEvent() throws -> (DeliveryMessage, FullStoryEvent) {
        guard case .delivery(let message) = try message("closed.v2.json"), case .fullStory(let event) = message.request else {
            throw Unexpected()
        }
        return (message, event)
    }

    struct Unexpected: Error {}

    static func redeliver(_ handler: EventRedelivery, _ message: DeliveryMessage, attempt: RecordAttempt, summary: inout Redelivery.Summary) -> RecordOutcome {
        var attempt = attempt
        return handler.redeliver(message, attempt: &attempt, summary: &summary)
    }

    // MARK: FullStory

    /// FullStory answering `reply`: the handler's outcome, its counts, the requests, and the circuit afterwards,
    /// which was one failure short of opening before.
    static func fullStory(_ reply: StandInServer.Reply, stopped: [RecordGroup: String] = [:]) throws
        -> (RecordOutcome, Redelivery.Summary, requests: Int, circuit: CircuitBreaker)
    {
        let server = try StandInServer { _, _ in reply }
        defer { server.shutdown() }
        let circuit = CircuitBreaker()
        for _ in 1..<CircuitBreaker.failureThreshold { circuit.record(available: false, now: SystemClock.monotonicNanoseconds()) }
        let fullStory = FullStoryDestination(
            client: FullStoryClient(baseURL: server.baseURL, apiKey: "na1.key", http: try HTTPClient(options: .init(userAgent: "t"))),
            circuit: circuit, time: .system)
        let (message, _) = try fullStoryEvent()
        var summary = Redelivery.Summary()
        let outcome = Self.redeliver(EventRedelivery(destinations: [fullStory], time: .system), message, attempt: attempt(stopped: stopped), summary: &summary)
        return (outcome, summary, server.requests.count, circuit)
    }

    @Test func fullStoryTakingTheEventFinishesIt() throws {
        let (outcome, summary, requests, circuit) = try Self.fullStory(.json(200, "{}"))
        #expect(outcome == .finished && summary.delivered == 1 && summary.fullStoryAttempts == 1 && requests == 1)
        circuit.record(available: false, now: SystemClock.monotonicNanoseconds())
        #expect(circuit.state(now: SystemClock.monotonicNanoseconds()) == .closed, "the success closed the circuit: its failures count anew")
    }

    @Test func fullStoryUnavailableStopsItsGroup() throws {
        let (outcome, summary, requests, circuit) = try Self.fullStory(.json(503, "{}"))
        #expect(outcome == .retryStopping(.destination(.fullStory), reason: "FullStory answered 503"))
        #expect(summary.fullStoryUnavailable == 1 && requests == 1, "one try: the schedule is the retry")
        #expect(circuit.state(now: SystemClock.monotonicNanoseconds()) == .open, "the failure was recorded in the circuit")
    }

    @Test func aRefusedKeyStopsItsGroupAndARefusedEventIsFinished() throws {
        let refusedKey = try Self.fullStory(.json(401, "{}"))
        guard case .retryStopping(.destination(.fullStory), _) = refusedKey.0 else {
            Issue.record("a refused key is retried, and stops FullStory's records: \(refusedKey.0)")
            return
        }
        #expect(refusedKey.1.fullStoryRefusedCredentials == 1)
        let refusedEvent = try Self.fullStory(.json(400, #"{"code":"invalid_argument","message":"bad"}"#))
        #expect(refusedEvent.0 == .finished && refusedEvent.1.rejected == 1)
    }

    @Test func afterAnEarlierFailureFullStoryIsNotCalled() throws {
        let (outcome, summary, requests, _) = try Self.fullStory(.json(200, "{}"), stopped: [.destination(.fullStory): "down"])
        #expect(outcome == .retry && requests == 0 && summary.fullStoryAttempts == 0)
    }

    // MARK: Any destination

    final class ScriptedDestination: Destination {
        let name = DeliveryMessage.Destination.abSmartly
        let outcome: DestinationReport.Outcome
        private(set) var sent: [DeliveryMessage.Request] = []

        init(_ outcome: DestinationReport.Outcome) { self.outcome = outcome }

        func prepare(_ draft: EventDraft, session: SessionChooser.Choice) -> DestinationPreparation {
            .skip(DestinationReport(destination: name, outcome: .skipped(reason: "test")))
        }

        func send(_ request: DeliveryMessage.Request, _ sending: DestinationSend, budget: TimeBudget, logger: Logger) -> DestinationAttempt {
            sent.append(request)
            return DestinationAttempt(report: DestinationReport(destination: name, outcome: outcome))
        }
    }

    @Test func aDestinationsRecordGoesToItAndItsFailureStopsItsGroup() throws {
        guard case .delivery(let goal) = try Self.message("goal.v2.json") else { throw Unexpected() }
        for (outcome, expected) in [
            (DestinationReport.Outcome.delivered, RecordOutcome.finished),
            (.failed(reason: "collector down"), .retryStopping(.destination(.abSmartly), reason: "collector down")),
        ] {
            let destination = ScriptedDestination(outcome)
            var summary = Redelivery.Summary()
            let result = Self.redeliver(EventRedelivery(destinations: [destination], time: .system), goal, attempt: Self.attempt(), summary: &summary)
            #expect(result == expected)
            #expect(destination.sent == [goal.request] && summary.destinations.map(\.outcome) == [outcome])
        }
    }

    @Test func aRecordOfADestinationThatIsOffIsSetAsideAndAStoppedOneWaits() throws {
        guard case .delivery(let goal) = try Self.message("goal.v2.json") else { throw Unexpected() }
        var summary = Redelivery.Summary()
        #expect(Self.redeliver(EventRedelivery(destinations: [], time: .system), goal, attempt: Self.attempt(), summary: &summary) == .setAside)
        let destination = ScriptedDestination(.delivered)
        let stopped = Self.attempt(stopped: [.destination(.abSmartly): "down"])
        #expect(Self.redeliver(EventRedelivery(destinations: [destination], time: .system), goal, attempt: stopped, summary: &summary) == .retry)
        #expect(destination.sent.isEmpty && summary.destinations.isEmpty)
    }

    // MARK: Pins

    static func pin() throws -> PinMessage {
        guard case .pin(let pin) = try message("pin.v1.json") else { throw Unexpected() }
        return pin
    }

    static func pinner(_ intercom: IntercomStandIn) throws -> SessionPinner {
        let api = IntercomAPI(baseURL: intercom.baseURL, accessToken: IntercomStandIn.token, http: try HTTPClient(options: .init(userAgent: "t")))
        return SessionPinner(
            attribute: "fs_session_id", conversations: IntercomConversationClient(api: api), sessions: nil, orgID: nil,
            fullStoryAPIURL: "https://api.fullstory.com")
    }

    @Test func aPinIsWrittenOnItsConversation() throws {
        let intercom = try IntercomStandIn()
        defer { intercom.shutdown() }
        let pin = try Self.pin()
        var summary = Redelivery.Summary()
        let outcome = PinRedelivery(pinner: try Self.pinner(intercom)).redeliver(pin, attempt: Self.attempt(), summary: &summary)
        #expect(outcome == .finished && summary.pinned == 1)
        #expect(intercom.conversationAttribute(pin.conversationID, pin.attribute) != nil)
    }

    @Test func intercomUnavailableStopsThePins() throws {
        let intercom = try IntercomStandIn(writeScript: [1: (IntercomStandIn.error(503, "service_unavailable", "down"), false)])
        defer { intercom.shutdown() }
        var summary = Redelivery.Summary()
        let outcome = PinRedelivery(pinner: try Self.pinner(intercom)).redeliver(try Self.pin(), attempt: Self.attempt(), summary: &summary)
        guard case .retryStopping(.pins, _) = outcome else {
            Issue.record("Intercom's 503 stops the batch's pins: \(outcome)")
            return
        }
        #expect(summary.pinFailed == 1)
    }

    @Test func aRefusedPinAndOneWithPinningOffAreSetAsideAndAStoppedOneWaits() throws {
        let intercom = try IntercomStandIn(conversationReadStatus: 403)
        defer { intercom.shutdown() }
        var summary = Redelivery.Summary()
        #expect(PinRedelivery(pinner: try Self.pinner(intercom)).redeliver(try Self.pin(), attempt: Self.attempt(), summary: &summary) == .setAside)
        #expect(summary.pinRefused == 1)
        #expect(PinRedelivery(pinner: nil).redeliver(try Self.pin(), attempt: Self.attempt(), summary: &summary) == .setAside)
        #expect(summary.pinRefused == 1, "pinning off is not Intercom's refusal")
        let requests = intercom.requests.count
        let stopped = Self.attempt(stopped: [.pins: "down"])
        #expect(PinRedelivery(pinner: try Self.pinner(intercom)).redeliver(try Self.pin(), attempt: stopped, summary: &summary) == .retry)
        #expect(intercom.requests.count == requests)
    }
}
