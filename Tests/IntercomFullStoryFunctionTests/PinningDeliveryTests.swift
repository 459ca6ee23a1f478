import AWSSQS
import FlatJSON
import IntercomFullStory
import IntercomFullStoryFunction
import LambdaRuntime
import Logging
import NIOConcurrencyHelpers
import SystemClock
import TestSupport
import Testing

/// Session pinning's branches inside the function, in process, against stand-ins for Intercom and FullStory and
/// moto as the queue, on a clock the tests move (`SteppedTime`): what is written, queued, moved or answered when time
/// runs out, a read fails, SQS refuses, or Intercom refuses a queued pin.
@Suite(.serialized) struct PinningDeliveryTests {
    struct Rig {
        let function: WebhookFunction
        let logger: Logger
        let intercom: IntercomStandIn
        let fullStory: FullStoryStandIn
        let lines: NIOLockedValueBox<[String]>
        let queues: (sqs: LocalSQS, delivery: SQSQueueURL, deadLetter: SQSQueueURL)?

        var log: String { lines.withLockedValue { $0.joined(separator: "\n") } }

        var context: LambdaContext { LambdaContext(requestID: "r", deadlineEpochMilliseconds: nil, logger: logger) }

        func webhook(_ body: String) -> WebhookResult {
            function.invoke(SignedEvents.restAPI(body: Array(body.utf8)), context: context).result
        }

        /// An SQS event of `bodies` (young records), routed as Lambda's event source mapping would.
        func redeliver(_ bodies: [String]) throws -> (failures: [String], metrics: InvocationMetrics) {
            let records = bodies.enumerated().map { index, body in
                (id: "m-\(index)", receiptHandle: "handle-\(index)", body: body, receiveCount: 1, sentTimestamp: SystemClock.epochMilliseconds())
            }
            let record = function.route(SQSEvents.event(records), context: context)
            guard case .success(let bytes) = record.response else { throw Unexpected(description: "the batch failed") }
            return (SQSEvents.failures(try JSONDocument(parsing: bytes).root), record.metrics)
        }

        /// The messages the delivery queue holds, read without hiding them.
        func queued() throws -> [String] {
            guard let queues else { return [] }
            return try queues.sqs.client().receiveMessages(queue: queues.delivery, maximum: 10, visibilityTimeoutSeconds: 0).map(\.body)
        }

        func shutdown() {
            intercom.shutdown()
            fullStory.shutdown()
        }
    }

    struct Unexpected: Error, CustomStringConvertible { let description: String }

    static func rig(
        intercom: IntercomStandIn? = nil, fullStory: FullStoryStandIn? = nil, queue: String? = nil, pinning: Bool = true,
        time: SteppedTime = SteppedTime(frozen: true), environment extra: [String: String] = [:]
    ) throws -> Rig {
        let intercom = try intercom ?? IntercomStandIn()
        let fullStory = try fullStory ?? FullStoryStandIn()
        var environment = [
            "FULLSTORY_API_KEY": "na1.key-value", "INTERCOM_CLIENT_SECRET": SignedEvents.testSecret, "FULLSTORY_API_URL": fullStory.baseURL,
            "INTERCOM_API_URL": intercom.baseURL, "INTERCOM_ACCESS_TOKEN": IntercomStandIn.token,
        ]
        if pinning { environment["INTERCOM_PIN_SESSIONS"] = "true" }
        var queues: (LocalSQS, SQSQueueURL, SQSQueueURL)?
        if let queue {
            let sqs = try LocalSQS.start()
            let made = try sqs.makeQueues(queue)
            for (name, value) in sqs.functionEnvironment(queue: made.delivery) { environment[name] = value }
            environment["DEAD_LETTER_QUEUE_URL"] = made.deadLetter.url
            queues = (sqs, made.delivery, made.deadLetter)
        }
        for (name, value) in extra { environment[name] = value }
        let lines = NIOLockedValueBox<[String]>([])
        let logger = Logger(label: "test") { label in
            LambdaLogHandler(label: label, environment: { ["AWS_LAMBDA_LOG_FORMAT": "JSON"][$0] }) { bytes in
                lines.withLockedValue { $0.append(String(decoding: bytes, as: UTF8.self)) }
            }
        }
        let function = try WebhookFunction(configuration: try FunctionConfiguration(environment: environment), logger: logger, time: time.source)
        return Rig(function: function, logger: logger, intercom: intercom, fullStory: fullStory, lines: lines, queues: queues)
    }

    static func pinMessage(conversationID: String = NotificationSamples.conversationID, value: String = "111:222", attribute: String = "fs_session_id") -> String {
        PinMessage(
            conversationID: conversationID, attribute: attribute,
            pin: SessionPin(session: FullStorySessionID(parsing: value)!, source: .contactAttribute, link: nil, orgID: nil, fullStoryAPIURL: "https://api.fullstory.com"),
            origin: .init(topic: "conversation.user.created", notificationID: "notif_1", appID: "abc123def"), reason: .intercomUnavailable,
            queuedAt: 1_796_000_000
        ).encoded()
    }

    @Test func whenTheEventTakesTheTimeThePinIsQueuedUntried() throws {
        let time = SteppedTime(frozen: true)
        // FullStory takes its whole share (2 s on the function's clock) before accepting.
        let fullStory = try FullStoryStandIn(script: [1: .json(200, "{}")], onCreateEvent: { time.advance(milliseconds: 2000) })
        let rig = try Self.rig(fullStory: fullStory, queue: "pin-no-time", time: time)
        defer { rig.shutdown() }
        rig.intercom.setContactAttribute(NotificationSamples.contactID, "fs_session_id", "111:222")
        let result = rig.webhook(NotificationSamples.opened())
        #expect(result.reply.response.statusCode == 200)
        #expect(result.pin?.outcome.isQueued(.noTimeLeft) == true)
        #expect(rig.intercom.conversationWrites.isEmpty, "not tried")
        let metrics = InvocationMetrics(webhook: result)
        #expect(metrics[.pinFailed] == 0 && metrics[.delivered] == 1)
        let queued = try rig.queued()
        #expect(queued.count == 1 && queued.first?.contains(#""reason":"no_time_left""#) == true)
    }

    /// A hanging Collector takes its part of the webhook's time, not the pin's: the pin is still written, and the
    /// goal queued.
    @Test func aHangingDestinationLeavesThePinItsPart() throws {
        let hang = StandInServer.Reply.delayed(milliseconds: 5000, .init(.json(200, "{}")))
        let collector = try ABsmartlyStandIn(script: [1: hang, 2: hang, 3: hang])
        defer { collector.shutdown() }
        let rig = try Self.rig(
            queue: "pin-beside-slow-goal", time: SteppedTime(),
            environment: [
                "ABSMARTLY_COLLECTOR_URL": collector.baseURL, "ABSMARTLY_API_KEY": ABsmartlyStandIn.apiKey,
                "ABSMARTLY_APPLICATION": ABsmartlyStandIn.application, "ABSMARTLY_ENVIRONMENT": ABsmartlyStandIn.environment,
            ])
        defer { rig.shutdown() }
        rig.intercom.setContactAttribute(NotificationSamples.contactID, "fs_session_id", "111:222")
        let result = rig.webhook(NotificationSamples.opened())
        #expect(result.reply.response.statusCode == 200)
        #expect(result.pin?.outcome == .pinned)
        #expect(rig.intercom.conversationAttribute(NotificationSamples.conversationID, "fs_session_id") == "111:222")
        #expect(result.destinations.first { $0.destination == .abSmartly }.map { if case .queued = $0.outcome { true } else { false } } == true)
        #expect(rig.fullStory.recorded.count == 1)
    }

    @Test func aPinSQSDoesNotTakeFailsTheWebhookAndCountsTheEventDelivered() throws {
        let intercom = try IntercomStandIn(writeScript: [1: (IntercomStandIn.error(503, "service_unavailable", "down"), false)])
        // Nothing listens on the queue's port.
        let rig = try Self.rig(intercom: intercom, environment: [
            "DELIVERY_QUEUE_URL": "http://127.0.0.1:\(freeLoopbackPort())/123456789012/q", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
            "AWS_SECRET_ACCESS_KEY": "secret-access-key", "AWS_REGION": "us-east-1",
        ])
        defer { rig.shutdown() }
        rig.intercom.setContactAttribute(NotificationSamples.contactID, "fs_session_id", "111:222")
        let result = rig.webhook(NotificationSamples.opened())
        #expect(result.reply.response.statusCode == 503)
        #expect(result.reply.outcome == .pinNotWritten)
        #expect(result.eventReply?.outcome == .delivered)
        #expect(result.pinHandoffFailure != nil)
        let metrics = InvocationMetrics(webhook: result)
        #expect(metrics[.delivered] == 1 && metrics[.pinFailed] == 1 && metrics[.handoffFailed] == 1)
        #expect(rig.fullStory.recorded.count == 1)
    }

    @Test func aRetryThatCannotReadTheEarlierPinWritesNothingOverIt() throws {
        // Intercom answers the conversation's read with 500.
        let intercom = try IntercomStandIn(conversationReadStatus: 500)
        let rig = try Self.rig(intercom: intercom, queue: "pin-unknown")
        defer { rig.shutdown() }
        rig.intercom.setContactAttribute(NotificationSamples.contactID, "fs_session_id", "111:222")
        let result = rig.webhook(NotificationSamples.opened(attempt: 2))
        #expect(result.reply.response.statusCode == 200)
        #expect(rig.fullStory.sessionOfRecorded == ["111:222"], "the event still goes to the session found")
        #expect(rig.intercom.conversationWrites.isEmpty)
        #expect(try rig.queued().first?.contains(#""reason":"pin_unknown""#) == true)

        // Without a queue, Intercom is asked to retry again; nothing was tried, so nothing counts as a failed write.
        let unqueued = try Self.rig(intercom: try IntercomStandIn(conversationReadStatus: 500))
        defer { unqueued.shutdown() }
        unqueued.intercom.setContactAttribute(NotificationSamples.contactID, "fs_session_id", "111:222")
        let again = unqueued.webhook(NotificationSamples.opened(attempt: 2))
        #expect(again.reply.response.statusCode == 503)
        #expect(InvocationMetrics(webhook: again)[.pinFailed] == 0)
        #expect(unqueued.intercom.conversationWrites.isEmpty)
    }

    /// A conversation not begun in the Messenger (an email, say) is never pinned, even when the contact carries a
    /// session (last week's visit, unrelated to the email); its event keeps the ordinary linking.
    @Test func onlyAMessengerConversationIsPinnedWhateverTheSessionsSource() throws {
        let rig = try Self.rig(queue: "pin-email")
        defer { rig.shutdown() }
        rig.intercom.setContactAttribute(NotificationSamples.contactID, "fs_session_id", "111:222")
        let result = rig.webhook(NotificationSamples.opened(source: "email"))
        #expect(result.reply.response.statusCode == 200)
        #expect(result.pin == PinReport(outcome: .noSession(reason: "the conversation did not begin in the Messenger")))
        #expect(rig.intercom.conversationWrites.isEmpty, "nothing written on the conversation")
        #expect(try rig.queued().isEmpty)
        #expect(rig.fullStory.sessionOfRecorded == ["111:222"], "the event still goes to the contact's session, as without pinning")
        let metrics = InvocationMetrics(webhook: result)
        #expect(metrics[.sessionPinned] == 0 && metrics[.delivered] == 1)
    }

    /// On Intercom's retry, a refused read of the conversation (a permission missing) is a refusal, as a refused write
    /// is: answered 200, logged once with its fix, counted in PinRefused, nothing written or queued; the event (and
    /// the goal) delivered once, not again on a retry that would be refused again.
    @Test(arguments: [true, false])
    func aRefusedReadOnARetryIsARefusalNotA503(withQueue: Bool) throws {
        let intercom = try IntercomStandIn(conversationReadStatus: 403)
        let rig = try Self.rig(intercom: intercom, queue: withQueue ? "pin-read-refused" : nil)
        defer { rig.shutdown() }
        rig.intercom.setContactAttribute(NotificationSamples.contactID, "fs_session_id", "111:222")
        for notification in ["notif_r1", "notif_r2"] {
            let result = rig.webhook(NotificationSamples.opened(attempt: 2, notification: notification))
            #expect(result.reply.response.statusCode == 200)
            #expect(result.pin == PinReport(outcome: .refused(cause: "Intercom answered 403 to reading a conversation"), source: .contactAttribute))
            let metrics = InvocationMetrics(webhook: result)
            #expect(metrics[.pinRefused] == 1 && metrics[.pinFailed] == 0 && metrics[.delivered] == 1)
        }
        #expect(rig.intercom.conversationWrites.isEmpty)
        #expect(try rig.queued().isEmpty, "nothing queued")
        #expect(rig.fullStory.sessionOfRecorded == ["111:222", "111:222"], "each event delivered once, on the session found")
        #expect(rig.log.split(separator: "\n").filter { $0.contains("Intercom refused to read the conversation's pin") }.count == 1)
    }

    /// A conversation not begun in the Messenger is never pinned, so Intercom's retry of it reads nothing: no call, no
    /// refusal to count even when the token may not read conversations.
    @Test func aRetryOfAnEmailConversationReadsNothing() throws {
        let rig = try Self.rig(intercom: try IntercomStandIn(conversationReadStatus: 403), queue: "pin-email-retry")
        defer { rig.shutdown() }
        let result = rig.webhook(NotificationSamples.opened(source: "email", attempt: 2))
        #expect(result.reply.response.statusCode == 200)
        #expect(!rig.intercom.requests.contains { $0.uri.hasPrefix("/conversations/") }, "no read of the conversation")
        #expect(InvocationMetrics(webhook: result)[.pinRefused] == 0)
    }

    /// A ticket reads its linked conversation's pin; a refused read is pinning's refusal, counted as one (a token
    /// without "Read conversations" would otherwise only show on retries), and the ticket falls back to the contact.
    @Test func aTicketsRefusedReadOfItsLinkedPinIsCounted() throws {
        let rig = try Self.rig(intercom: try IntercomStandIn(conversationReadStatus: 403), environment: ["FULLSTORY_EVENT_TOPICS": "ticket.created"])
        defer { rig.shutdown() }
        // The ticket itself carries no session: its linked conversation's pin is read.
        let result = rig.webhook(
            readFile(repositoryRoot + "/events/bodies/ticket-created.json").replacingFirst(#","fs_session_id":"5629499534213120:6392134624958464""#, with: ""))
        #expect(result.reply.response.statusCode == 200)
        #expect(result.pin?.refused == true)
        #expect(InvocationMetrics(webhook: result)[.pinRefused] == 1)
        #expect(rig.intercom.requests.contains { $0.uri == "/conversations/215472629300001" })
        #expect(rig.log.contains("Intercom refused to read the conversation's pin"))
    }

    @Test func aRefusedWriteCountsAsARefusalNotAFailure() throws {
        let intercom = try IntercomStandIn(dataAttributes: [.init(name: "fs_session_id", model: "contact", messengerWritable: true)])
        let rig = try Self.rig(intercom: intercom, queue: "pin-write-refused")
        defer { rig.shutdown() }
        rig.intercom.setContactAttribute(NotificationSamples.contactID, "fs_session_id", "111:222")
        let result = rig.webhook(NotificationSamples.opened())
        #expect(result.reply.response.statusCode == 200)
        #expect(result.pin?.refused == true)
        let metrics = InvocationMetrics(webhook: result)
        #expect(metrics[.pinRefused] == 1 && metrics[.pinFailed] == 0)
        #expect(try rig.queued().isEmpty)
    }

    @Test func aFailingListSessionsLeavesTheConversationUnpinned() throws {
        let fullStory = try FullStoryStandIn(listSessionsStatus: 503)
        let rig = try Self.rig(fullStory: fullStory)
        defer { rig.shutdown() }
        let result = rig.webhook(NotificationSamples.opened())
        #expect(result.reply.response.statusCode == 200)
        #expect(result.pin == PinReport(outcome: .noSession(reason: "List Sessions failed"), listedSessions: true))
        #expect(rig.intercom.conversationWrites.isEmpty)
        #expect(rig.fullStory.sessionOfRecorded == [nil], "linked by user.uid, as without pinning")
        #expect(rig.log.contains("List Sessions failed; the conversation is not pinned"))
    }

    @Test func aQueuedPinIntercomRefusesGoesToTheDeadLetterQueue() throws {
        let intercom = try IntercomStandIn(dataAttributes: [.init(name: "fs_session_id", model: "contact", messengerWritable: true)])
        let rig = try Self.rig(intercom: intercom, queue: "pin-refused-redelivery")
        defer { rig.shutdown() }
        let (failures, metrics) = try rig.redeliver([Self.pinMessage()])
        #expect(failures.isEmpty, "moved, so not reported")
        #expect(metrics[.deadLettered] == 1 && metrics[.pinRefused] == 1 && metrics[.pinFailed] == 0 && metrics[.sessionPinned] == 0)
        let queues = try #require(rig.queues)
        #expect(try queues.sqs.count(queues.deadLetter).visible == 1)
        #expect(rig.log.contains("Intercom refused to write the session on the conversation"))
    }

    @Test func aQueuedPinAfterPinningWasTurnedOffGoesToTheDeadLetterQueue() throws {
        let rig = try Self.rig(queue: "pin-off-redelivery", pinning: false)
        defer { rig.shutdown() }
        let (failures, metrics) = try rig.redeliver([Self.pinMessage()])
        #expect(failures.isEmpty)
        #expect(metrics[.deadLettered] == 1 && metrics[.pinFailed] == 0)
        #expect(rig.intercom.requests.isEmpty)
    }

    @Test func afterIntercomFailsTheBatchsOtherPinsWait() throws {
        let intercom = try IntercomStandIn(conversationReadStatus: 503)
        let rig = try Self.rig(intercom: intercom, queue: "pin-stop")
        defer { rig.shutdown() }
        let (failures, metrics) = try rig.redeliver([Self.pinMessage(conversationID: "1"), Self.pinMessage(conversationID: "2")])
        #expect(failures == ["m-0", "m-1"])
        #expect(rig.intercom.requests.count == 1, "the second pin was not tried")
        #expect(metrics[.pinFailed] == 1 && metrics[.redeliveryFailed] == 2)
    }

    @Test func aQueuedPinDoesNotOverwriteAnotherNorCountsTheSameTwice() throws {
        let rig = try Self.rig(queue: "pin-existing")
        defer { rig.shutdown() }
        // Intercom's retry of the webhook pinned conversation 1 on another session, and conversation 2 on this one.
        _ = rig.webhookPinning(conversationID: "1", session: "333:444")
        _ = rig.webhookPinning(conversationID: "2", session: "111:222")
        let writes = rig.intercom.conversationWrites.count
        let (failures, metrics) = try rig.redeliver([Self.pinMessage(conversationID: "1"), Self.pinMessage(conversationID: "2")])
        #expect(failures.isEmpty)
        #expect(rig.intercom.conversationWrites.count == writes, "nothing written over")
        #expect(rig.intercom.conversationAttribute("1", "fs_session_id") == "333:444")
        #expect(metrics[.sessionPinned] == 0, "the webhook that wrote each pin counted it")
        #expect(rig.log.contains("the conversation holds another pin, which wins"))
    }

    /// The read before a queued pin's write is judged as the write is: a deleted conversation (404) is nothing to
    /// pin, a refused read (401, 403) is set aside for an operator; neither is retried nor stops the batch.
    @Test(arguments: [404, 401])
    func aRefusedOrGoneReadIsNotRetried(status: Int) throws {
        let rig = try Self.rig(intercom: try IntercomStandIn(conversationReadStatus: status), queue: "pin-read-\(status)")
        defer { rig.shutdown() }
        let (failures, metrics) = try rig.redeliver([Self.pinMessage(conversationID: "1"), Self.pinMessage(conversationID: "2")])
        #expect(failures.isEmpty)
        #expect(rig.intercom.requests.count == 2, "the second pin was tried too")
        #expect(rig.intercom.conversationWrites.isEmpty)
        #expect(metrics[.deadLettered] == (status == 404 ? 0 : 2) && metrics[.pinRefused] == (status == 404 ? 0 : 2))
        #expect(metrics[.pinFailed] == 0, "a refusal is not a failure for a time")
        if status == 401 {
            #expect(rig.log.split(separator: "\n").filter { $0.contains("Intercom refused to read the conversation's pin") }.count == 1)
        }
    }

    @Test func aQueuedPinIsWrittenIntoItsOwnAttribute() throws {
        let intercom = try IntercomStandIn(dataAttributes: [.init(name: "fs_session_id", model: "conversation"), .init(name: "replay", model: "conversation")])
        let rig = try Self.rig(intercom: intercom, queue: "pin-attribute")
        defer { rig.shutdown() }
        let (failures, metrics) = try rig.redeliver([Self.pinMessage(attribute: "replay")])
        #expect(failures.isEmpty && metrics[.sessionPinned] == 1)
        #expect(rig.intercom.conversationAttribute(NotificationSamples.conversationID, "replay") == "111:222")
    }
}

extension PinningDeliveryTests.Rig {
    /// A pin written as Intercom's retry of a webhook would have written it.
    func webhookPinning(conversationID: String, session: String) -> WebhookResult {
        intercom.setContactAttribute(NotificationSamples.contactID, "fs_session_id", session)
        return webhook(NotificationSamples.opened(notification: "notif_\(conversationID)", conversationID: conversationID))
    }
}

extension PinReport.Outcome {
    func isQueued(_ reason: PinMessage.Reason) -> Bool {
        if case .queued(_, let queuedReason) = self { queuedReason == reason } else { false }
    }
}
