#if canImport(Glibc)
import Glibc
#endif
import AWSSQS
import FlatJSON
import IntercomFullStory
import Synchronization
import SystemClock
import TestSupport
import Testing

/// Durable delivery end to end: the real bootstrap under the emulator, moto as SQS (signatures checked), and a
/// FullStory stand-in that can be taken down and brought back.
@Suite(.serialized) struct DurableDeliveryTests {
    /// A FullStory stand-in whose answer is switched by the test; it counts accepted events per key.
    final class SwitchableFullStory: Sendable {
        enum Mode: Sendable {
            case up, down, status(Int, String), slow(milliseconds: Int64)
            /// Accept this many more requests, then answer the status.
            case acceptFirst(Int, thenStatus: Int)
        }

        let mode = Mutex(Mode.up)
        let accepted = Mutex([String: Int]())

        func set(_ mode: Mode) { self.mode.withLock { $0 = mode } }

        var acceptedKeys: [String: Int] { accepted.withLock { $0 } }

        func reply(_ request: StandInServer.Request, _ index: Int) -> StandInServer.Reply {
            let key = request.header("Idempotency-Key") ?? ""
            let current = mode.withLock { mode in
                let now = mode
                if case .acceptFirst(let left, let status) = mode { mode = left > 1 ? .acceptFirst(left - 1, thenStatus: status) : .status(status, "{}") }
                return now
            }
            switch current {
            case .acceptFirst(let left, let status) where left <= 0:
                return .json(status, "{}")
            case .up:
                accepted.withLock { $0[key, default: 0] += 1 }
                return .json(200, "{}")
            case .down:
                // Unavailable in each way we know: 503, 500, a dropped connection.
                return index % 3 == 2 ? .closeConnection : .json(index % 3 == 0 ? 503 : 500, #"{"code":"unavailable"}"#)
            case .status(let status, let body):
                return .json(status, body)
            case .slow(let milliseconds):
                accepted.withLock { $0[key, default: 0] += 1 }
                return .delayed(milliseconds: milliseconds, .init(.json(200, "{}")))
            case .acceptFirst:
                accepted.withLock { $0[key, default: 0] += 1 }
                return .json(200, "{}")
            }
        }
    }

    struct DurableRig {
        let fullStory: SwitchableFullStory
        let rig: EndToEndTests.Rig
        let queues: EmulatorRig.Queues

        var sqs: LocalSQS { queues.sqs }
        var emulator: EmulatorHarness { rig.emulator }
        var requests: [StandInServer.Request] { rig.fullStory.requests }

        func drain() throws -> (invocations: Int, failures: [String]) { try rig.base.drain() }

        /// Receives what is visible now without hiding it (visibility 0), as the mapping would hand it out.
        func receiveAll() throws -> [SQSClient.ReceivedMessage] {
            try sqs.client().receiveMessages(queue: queues.delivery, maximum: 10, visibilityTimeoutSeconds: 0)
        }
    }

    struct NoQueues: Error {}

    static func rig(
        _ name: String, fullStory: SwitchableFullStory = SwitchableFullStory(), environment: [String: String?] = [:],
        credentials: AWSCredentials? = nil, movesToDeadLetterQueue: Bool = false
    ) throws -> DurableRig {
        let rig = try EndToEndTests.rig(
            fullStory: { fullStory.reply($0, $1) }, environment: environment, queueName: name, credentials: credentials,
            namesDeadLetterQueue: movesToDeadLetterQueue)
        guard let queues = rig.base.queues else { throw NoQueues() }
        return DurableRig(fullStory: fullStory, rig: rig, queues: queues)
    }

    /// A closed-conversation webhook with a notification id of its own, signed like the sample events.
    static func closedWebhook(_ number: Int) -> [UInt8] {
        let body = readFile(repositoryRoot + "/events/bodies/closed.json")
            .replacingFirst("notif_0c9a7a1e-5b1d-4c53-9f0e-3f8d2a6b7c41", with: "notif_outage-\(number)")
        return SignedEvents.restAPI(body: Array(body.utf8))
    }

    /// Queues `count` messages the way the webhook path does: webhooks while FullStory is down. A webhook that a
    /// busy machine's slow SQS answered 503 is sent again, as Intercom would (bounded: three times).
    static func queueWebhooks(_ durable: DurableRig, count: Int, from first: Int = 0) throws {
        durable.fullStory.set(.down)
        for number in first..<(first + count) {
            var status: String?
            for _ in 0..<3 where status != "queued" {
                status = try durable.emulator.invoke(closedWebhook(number)).response.bodyJSON?["status"]?.string
            }
            #expect(status == "queued")
        }
        durable.fullStory.set(.up)
    }

    @Test func anOutageLosesNothingAndTheDrainDeliversEachEventOnce() throws {
        let durable = try Self.rig("outage")
        defer { durable.rig.shutdown() }
        durable.fullStory.set(.down)
        var slowest = 0
        for number in 0..<55 {
            let (response, milliseconds) = try durable.emulator.invoke(Self.closedWebhook(number))
            #expect(response.statusCode == 200)
            #expect(response.bodyJSON?["status"]?.string == "queued")
            #expect(response.bodyJSON?["event"]?.string == "Intercom Conversation Closed")
            slowest = max(slowest, milliseconds)
        }
        #expect(slowest < 3000, "slowest answer \(slowest) ms")
        #expect(try durable.sqs.count(durable.queues.delivery).visible == 55)
        #expect(durable.fullStory.acceptedKeys.isEmpty)

        durable.fullStory.set(.up)
        let (invocations, failures) = try durable.drain()
        #expect(failures.isEmpty)
        #expect(invocations >= 6)
        let accepted = durable.fullStory.acceptedKeys
        let expected = Set((0..<55).map { IdempotencyKey.forNotification(id: "notif_outage-\($0)", eventName: "Intercom Conversation Closed") })
        #expect(Set(accepted.keys) == expected, "no key missing, none foreign")
        #expect(accepted.values.allSatisfy { $0 == 1 }, "none sent twice")
        #expect(try durable.sqs.count(durable.queues.delivery) == (0, 0))
        #expect(try durable.sqs.count(durable.queues.deadLetter) == (0, 0))
        let output = durable.rig.shutdown()
        #expect(output.contains("FullStory unavailable; the event is queued for redelivery"))
        #expect(output.contains(#""message":"redelivered""#))
    }

    @Test(arguments: [429, 503])
    func aFailureMidBatchReportsTheRestWithoutCallingFullStory(_ status: Int) throws {
        let durable = try Self.rig("mid-batch-\(status)")
        defer { durable.rig.shutdown() }
        try Self.queueWebhooks(durable, count: 4)
        let messages = try durable.receiveAll()
        #expect(messages.count == 4)
        // The first record is accepted, the second refused for now: the last two are not tried.
        durable.fullStory.set(.acceptFirst(1, thenStatus: status))
        let before = durable.requests.count
        let (response, _) = try durable.emulator.invoke(SQSEvents.event(messages))
        #expect(SQSEvents.failures(response) == messages.dropFirst().map(\.messageID))
        #expect(durable.requests.count - before == 2, "the rest of the batch was not tried")
        #expect(durable.fullStory.acceptedKeys.keys.first
            == IdempotencyKey.forNotification(id: "notif_outage-0", eventName: "Intercom Conversation Closed"))
        // As the mapping does: delete what was not reported. The failed records were made invisible for their
        // retry delay; received with visibility 0, they would otherwise be visible again at once.
        try durable.sqs.client().deleteMessage(queue: durable.queues.delivery, receiptHandle: messages[0].receiptHandle)
        #expect(try durable.receiveAll().isEmpty)
        #expect(try durable.sqs.count(durable.queues.delivery) == (0, 3))
        let output = durable.rig.shutdown()
        #expect(output.contains("redelivery failed; retried later"))
        #expect(output.contains("not tried after an earlier failure in this batch"))
        #expect(output.contains(#""retryInSeconds":"30""#))
    }

    @Test func aForeignMessageIsReportedAndLeftForTheDeadLetterQueue() throws {
        let durable = try Self.rig("foreign")
        defer { durable.rig.shutdown() }
        try Self.queueWebhooks(durable, count: 1)
        _ = try durable.sqs.client().sendMessage(queue: durable.queues.delivery, body: "Test message.", timeoutMilliseconds: 5000)
        let messages = try durable.receiveAll()
        #expect(messages.count == 2)
        let foreign = try #require(messages.first { $0.body == "Test message." })
        let (response, _) = try durable.emulator.invoke(SQSEvents.event(messages))
        #expect(SQSEvents.failures(response) == [foreign.messageID])
        #expect(durable.fullStory.acceptedKeys.count == 1, "the valid one beside it was delivered")
        for message in messages where message.messageID != foreign.messageID {
            try durable.sqs.client().deleteMessage(queue: durable.queues.delivery, receiptHandle: message.receiptHandle)
        }
        // Its visibility is left alone: the redrive policy takes it after maxReceiveCount receives.
        #expect(try durable.receiveAll().map(\.messageID) == [foreign.messageID])
        let output = durable.rig.shutdown()
        #expect(output.contains("SQS record is not a delivery message; it will end in the dead-letter queue"))
    }

    @Test func aForeignMessageEndsInTheDeadLetterQueue() throws {
        let sqs = try LocalSQS.start()
        let queues = try sqs.makeQueues("redrive", maxReceiveCount: 2)
        let rig = try EndToEndTests.rig(environment: sqs.functionEnvironment(queue: queues.delivery))
        defer { rig.shutdown() }
        _ = try sqs.client().sendMessage(queue: queues.delivery, body: #"{"not":"ours"}"#, timeoutMilliseconds: 5000)
        for _ in 0..<4 {
            let messages = try sqs.client().receiveMessages(queue: queues.delivery, maximum: 10, visibilityTimeoutSeconds: 0)
            guard !messages.isEmpty else { break }
            let (response, _) = try rig.emulator.invoke(SQSEvents.event(messages))
            #expect(SQSEvents.failures(response) == messages.map(\.messageID))
        }
        #expect(try sqs.count(queues.delivery) == (0, 0))
        #expect(try sqs.count(queues.deadLetter).visible == 1)
    }

    @Test func fullStoryRefusingTheEventDuringRedeliveryIsFinal() throws {
        let durable = try Self.rig("rejected")
        defer { durable.rig.shutdown() }
        try Self.queueWebhooks(durable, count: 1)
        let messages = try durable.receiveAll()
        durable.fullStory.set(.status(400, #"{"code":"invalid_argument","message":"bad"}"#))
        let before = durable.requests.count
        let (response, _) = try durable.emulator.invoke(SQSEvents.event(messages))
        #expect(SQSEvents.failures(response).isEmpty, "not retried: Lambda deletes it")
        #expect(durable.requests.count - before == 1)
        let output = durable.rig.shutdown()
        #expect(output.contains("FullStory refused the redelivered event; it is not retried"))
    }

    @Test func aBatchThatMeetsItsDeadlineReportsWhatIsLeft() throws {
        let durable = try Self.rig("deadline", environment: ["AWS_LAMBDA_FUNCTION_TIMEOUT": "4"])
        defer { durable.rig.shutdown() }
        try Self.queueWebhooks(durable, count: 10)
        let messages = try durable.receiveAll()
        #expect(messages.count == 10)
        durable.fullStory.set(.slow(milliseconds: 300))
        let (response, milliseconds) = try durable.emulator.invoke(SQSEvents.event(messages))
        let failures = SQSEvents.failures(response)
        let delivered = durable.fullStory.acceptedKeys.count
        #expect(!failures.isEmpty)
        #expect(delivered >= 1)
        #expect(delivered + failures.count == 10)
        #expect(milliseconds < 4000, "answered before the deadline")
        let output = durable.rig.shutdown()
        #expect(output.contains("redelivery deadline near; record left for the next try"))
    }

    @Test func theCircuitOpensAfterThreeFailuresAndClosesAfterAProbe() throws {
        // The period's arithmetic is CircuitBreakerTests' (an injected clock); this checks the bootstrap follows it.
        let durable = try Self.rig("circuit", environment: ["DELIVERY_CIRCUIT_SECONDS": "2"])
        defer { durable.rig.shutdown() }
        durable.fullStory.set(.down)
        var perWebhook: [Int] = []
        for number in 0..<5 {
            let before = durable.requests.count
            let (response, _) = try durable.emulator.invoke(Self.closedWebhook(number))
            #expect(response.bodyJSON?["status"]?.string == "queued")
            perWebhook.append(durable.requests.count - before)
        }
        #expect(perWebhook[0..<3].allSatisfy { $0 >= 1 }, "\(perWebhook)")
        #expect(perWebhook[3...].allSatisfy { $0 == 0 }, "open: queued without calling FullStory, \(perWebhook)")
        durable.fullStory.set(.up)
        // Waits on the condition, with no sleep: webhooks keep coming, as Intercom's do. While open they are queued
        // without a call; once the period is over, one probes and is delivered, and the next is delivered too.
        // Bounded: 30 s, far past the 2 s period.
        var probed = false
        var number = 5
        let giveUpAt = monotonicMilliseconds() + 30_000
        while !probed, monotonicMilliseconds() < giveUpAt {
            let before = durable.requests.count
            let (response, _) = try durable.emulator.invoke(Self.closedWebhook(number))
            let calls = durable.requests.count - before
            if response.bodyJSON?["status"]?.string == "delivered" {
                #expect(calls == 1, "the probe is one call")
                probed = true
            } else {
                #expect(response.bodyJSON?["status"]?.string == "queued")
                #expect(calls == 0, "open: no call")
            }
            number += 1
        }
        #expect(probed, "the circuit let a probe through after its open period")
        let before = durable.requests.count
        let (after, _) = try durable.emulator.invoke(Self.closedWebhook(number))
        #expect(after.bodyJSON?["status"]?.string == "delivered")
        #expect(durable.requests.count - before == 1)
    }

    @Test func whenSQSRefusesTooTheWebhookIs503() throws {
        let sqs = try LocalSQS.start()
        var wrong = sqs.role
        wrong.secretAccessKey = "not-the-secret-access-key"
        let durable = try Self.rig("wrong-secret", credentials: wrong)
        defer { durable.rig.shutdown() }
        durable.fullStory.set(.down)
        let (response, milliseconds) = try durable.emulator.invoke(Self.closedWebhook(1))
        #expect(response.statusCode == 503)
        #expect(milliseconds < 3000)
        #expect(try durable.sqs.count(durable.queues.delivery) == (0, 0))
        let output = durable.rig.shutdown()
        #expect(output.contains("cannot queue the event; Intercom will retry it"))
        #expect(output.contains("SignatureDoesNotMatch"))
        #expect(MetricsEndToEndTests.metricLines(output).last.map(MetricsEndToEndTests.nonZero)?["HandoffFailed"] == 1)
        #expect(!output.contains("not-the-secret-access-key"))
    }

    /// The schedule follows the message's age: one older than the whole schedule is moved to the dead-letter
    /// queue by the function (so its copy gets that queue's full retention) and is not reported.
    @Test func anExhaustedMessageIsMovedToTheDeadLetterQueueByTheFunction() throws {
        let durable = try Self.rig("exhausted", movesToDeadLetterQueue: true)
        defer { durable.rig.shutdown() }
        let (sqs, queues) = (durable.sqs, durable.queues)
        try Self.queueWebhooks(durable, count: 1)
        durable.fullStory.set(.down)
        let messages = try durable.receiveAll()
        let thirtyOneHoursAgo = SystemClock.epochMilliseconds() - 31 * 3600 * 1000
        // The dead-letter queue of this test's own pair, so its content is this message only.
        let (response, _) = try durable.emulator.invoke(SQSEvents.event(messages, sentAt: thirtyOneHoursAgo))
        #expect(SQSEvents.failures(response).isEmpty, "moved, so not reported: the mapping deletes it")
        let moved = try sqs.client().receiveMessages(queue: queues.deadLetter, maximum: 10)
        #expect(moved.map(\.body) == messages.map(\.body), "the message as it was")
        let output = durable.rig.shutdown()
        #expect(output.contains("redelivery failed and the retry schedule is over"))
        #expect(output.contains("moved to the dead-letter queue"))
        #expect(MetricsEndToEndTests.metricLines(output).last.map(MetricsEndToEndTests.nonZero)?["DeadLettered"] == 1)
    }

    /// Receives are not tries: a young message received many times is rescheduled, not dead-lettered.
    @Test func aYoungMessageReceivedManyTimesIsRescheduled() throws {
        let durable = try Self.rig("young", movesToDeadLetterQueue: true)
        defer { durable.rig.shutdown() }
        let (sqs, queues) = (durable.sqs, durable.queues)
        try Self.queueWebhooks(durable, count: 1)
        durable.fullStory.set(.down)
        let message = try #require(try durable.receiveAll().first)
        let event = SQSEvents.event([
            (message.messageID, message.receiptHandle, message.body, 50, SystemClock.epochMilliseconds() - 10_000)
        ])
        let (response, _) = try durable.emulator.invoke(event)
        #expect(SQSEvents.failures(response) == [message.messageID])
        #expect(try sqs.count(queues.deadLetter) == (0, 0))
        let output = durable.rig.shutdown()
        #expect(output.contains(#""retryInSeconds":"30""#))
    }

    /// Without DEAD_LETTER_QUEUE_URL the redrive policy alone moves messages: an exhausted one is reported.
    /// One queued message, redelivered 31 hours after its hand-off with FullStory still down: the schedule is over.
    /// Checks that it is reported, and comes back at once (received with visibility 0, no delay of ours): every
    /// visibility timeout, it reaches maxReceiveCount within the queue's retention.
    static func redeliverExhausted(_ durable: DurableRig) throws {
        try Self.queueWebhooks(durable, count: 1)
        durable.fullStory.set(.down)
        let messages = try durable.receiveAll()
        let old = SystemClock.epochMilliseconds() - 31 * 3600 * 1000
        let (response, _) = try durable.emulator.invoke(SQSEvents.event(messages, sentAt: old))
        #expect(SQSEvents.failures(response) == messages.map(\.messageID))
        #expect(try durable.receiveAll().map(\.messageID) == messages.map(\.messageID))
    }

    @Test func withoutADeadLetterURLAnExhaustedMessageIsLeftToTheRedrivePolicy() throws {
        let durable = try Self.rig("exhausted-no-url")
        defer { durable.rig.shutdown() }
        try Self.redeliverExhausted(durable)
        #expect(try durable.sqs.count(durable.queues.deadLetter) == (0, 0))
    }

    /// A move that SQS refuses (the dead-letter queue deleted, a missing permission) loses nothing: the record is
    /// reported, with no delay, and the error names the cause.
    @Test func aFailedMoveLeavesTheMessageInTheDeliveryQueue() throws {
        let sqs = try LocalSQS.start()
        let missing = sqs.endpoint + "/123456789012/no-such-dead-letter-queue"
        let durable = try Self.rig("move-refused", environment: ["DEAD_LETTER_QUEUE_URL": missing])
        defer { durable.rig.shutdown() }
        try Self.redeliverExhausted(durable)
        let output = durable.rig.shutdown()
        #expect(output.contains("cannot move the record to the dead-letter queue; it comes back"))
        #expect(output.contains("QueueDoesNotExist"))
    }

    @Test func aForeignMessageIsMovedToTheDeadLetterQueueWhenItIsNamed() throws {
        let durable = try Self.rig("foreign-moved", movesToDeadLetterQueue: true)
        defer { durable.rig.shutdown() }
        let (sqs, queues) = (durable.sqs, durable.queues)
        _ = try durable.sqs.client().sendMessage(queue: durable.queues.delivery, body: "Test message.", timeoutMilliseconds: 5000)
        let messages = try durable.receiveAll()
        let (response, _) = try durable.emulator.invoke(SQSEvents.event(messages))
        #expect(SQSEvents.failures(response).isEmpty)
        #expect(try sqs.client().receiveMessages(queue: queues.deadLetter, maximum: 10).map(\.body) == ["Test message."])
    }

    /// A message larger than the queue takes is not sent: 503 (Intercom retries) and HandoffFailed.
    @Test func aMessageOverTheQueuesLimitIsNotSentAndCounted() throws {
        let durable = try Self.rig("too-large")
        defer { durable.rig.shutdown() }
        durable.fullStory.set(.down)
        // 3,000 tags of 100 characters: a valid webhook whose event is over 256 KiB.
        let tags = (0..<3000).map { #"{"type":"tag","id":"\#($0)","name":"tag-\#($0)-\#(String(repeating: "x", count: 90))"}"# }
        let body = readFile(repositoryRoot + "/events/bodies/closed.json")
            .replacingFirst(#""tags":{"type":"tag.list","tags":["#, with: #""tags":{"type":"tag.list","tags":["# + tags.joined(separator: ",") + ",")
        let (response, milliseconds) = try durable.emulator.invoke(SignedEvents.restAPI(body: Array(body.utf8)))
        #expect(response.statusCode == 503)
        #expect(milliseconds < 5000)
        #expect(try durable.sqs.count(durable.queues.delivery) == (0, 0))
        let output = durable.rig.shutdown()
        #expect(output.contains("over the queue's limit"))
        #expect(MetricsEndToEndTests.metricLines(output).last.map(MetricsEndToEndTests.nonZero)?["HandoffFailed"] == 1)
    }

    @Test func unreachableSQSIs503InTime() throws {
        let closed = "http://127.0.0.1:\(freeLoopbackPort())/123456789012/q"
        let durable = try Self.rig("unreachable", environment: ["DELIVERY_QUEUE_URL": closed])
        defer { durable.rig.shutdown() }
        durable.fullStory.set(.slow(milliseconds: 8000))
        let (response, milliseconds) = try durable.emulator.invoke(Self.closedWebhook(1))
        #expect(response.statusCode == 503)
        #expect(milliseconds < 3000, "FullStory hanging and SQS down: \(milliseconds) ms")
    }

    @Test func aHangingFullStoryIsQueuedWithin3Seconds() throws {
        let durable = try Self.rig("hanging")
        defer { durable.rig.shutdown() }
        durable.fullStory.set(.slow(milliseconds: 8000))
        let (response, milliseconds) = try durable.emulator.invoke(Self.closedWebhook(1))
        #expect(response.bodyJSON?["status"]?.string == "queued")
        #expect(milliseconds < 3000, "\(milliseconds) ms")
        #expect(try durable.sqs.count(durable.queues.delivery).visible == 1)
    }

    @Test func refusedCredentialsAreQueuedWithAnErrorAndRefusedEventsAreNot() throws {
        let durable = try Self.rig("credentials")
        defer { durable.rig.shutdown() }
        durable.fullStory.set(.status(401, #"{"code":"unauthorized"}"#))
        let (queued, _) = try durable.emulator.invoke(Self.closedWebhook(1))
        #expect(queued.statusCode == 200)
        #expect(queued.bodyJSON?["status"]?.string == "queued")
        let message = try #require(try durable.receiveAll().first)
        let stored = try JSONDocument(parsing: message.body).root
        #expect(stored["reason"]?.string == "fullstory_refused_credentials")
        try durable.sqs.client().deleteMessage(queue: durable.queues.delivery, receiptHandle: message.receiptHandle)

        durable.fullStory.set(.status(400, #"{"code":"invalid_argument"}"#))
        let (rejected, _) = try durable.emulator.invoke(Self.closedWebhook(2))
        #expect(rejected.statusCode == 200)
        #expect(rejected.bodyJSON?["status"]?.string == "rejected")
        #expect(try durable.sqs.count(durable.queues.delivery) == (0, 0))
        let output = durable.rig.shutdown()
        #expect(output.contains("FullStory refused the API key or URL; the event is queued"))
        #expect(output.contains(#""level":"ERROR""#))
    }
}
