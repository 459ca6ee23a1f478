import AWSSQS
import Budget
import FlatJSON
import LambdaEvents
import Logging
import NIOPosix
import ServiceLifecycle
import Synchronization
import SystemClock

/// `serve`'s consumer of the delivery queue, in place of Lambda's event source mapping: it long-polls the queue,
/// hands each message to the function as a one-record SQS event (the same redelivery code, schedule, partial
/// failures and dead-letter moves), and deletes what the function did not report failed, as the mapping does.
/// Several processes may share the queue: SQS hands a message to one at a time. On shutdown it stops between
/// records and gives the ones it has not started back to the queue at once (visibility 0).
final class QueueConsumer: Service, Sendable {
    /// A long poll lasts this long at most: the consumer notices a shutdown within it.
    static let pollSeconds = 2
    /// After a failed receive (SQS unreachable, credentials refused): the wait before the next.
    static let pauseAfterFailureMilliseconds = 5000

    private let loop: ConsumerLoop
    private let thread = NIOThreadPool(numberOfThreads: 1)

    init(queue: SQSQueueURL, client: SQSClient, region: String, worker: WebhookWorker, metrics: ServeMetrics, logger: Logger, time: TimeSource) {
        loop = ConsumerLoop(queue: queue, client: client, region: region, worker: worker, metrics: metrics, logger: logger, time: time)
    }

    func run() async throws {
        thread.start()
        let loop = self.loop
        // Stops on shutdown, and on cancellation too (the server failing to start cancels the group): the loop
        // blocks a thread and would never end otherwise.
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                _ = try? await thread.runIfActive { loop.run() }
            } onGracefulShutdown: {
                loop.stop()
            }
        } onCancel: {
            loop.stop()
        }
        try? await thread.shutdownGracefully()
        // Stopped early by `stopper`: end only at this service's own turn (after the server's requests), or the group
        // would take it for a service that failed and cancel the rest. Cancellation ends the wait at once.
        try? await gracefulShutdown()
    }

    /// A service that tells the consumer to stop as soon as shutdown begins. Services are told to stop in the
    /// reverse of their order, each once the one before it has ended: listed after the server, this one lets the
    /// consumer finish its record while the server finishes its requests.
    var stopper: some Service { ConsumerStopper(stop: { [loop] in loop.stop() }) }
}

private struct ConsumerStopper: Service {
    let stop: @Sendable () -> Void

    func run() async throws {
        try? await gracefulShutdown()
        stop()
    }
}

/// The consumer's blocking loop, on its own thread (its SQS client and worker are used there alone).
private final class ConsumerLoop: @unchecked Sendable {
    // @unchecked: everything but `stopping` is used on the consumer's one thread.
    private let queue: SQSQueueURL
    private let client: SQSClient
    private let queueARN: String
    private let region: String
    private let worker: WebhookWorker
    private let metrics: ServeMetrics
    private let logger: Logger
    private let time: TimeSource
    private let stopping = Atomic<Bool>(false)
    private var lastFailure: String?

    init(queue: SQSQueueURL, client: SQSClient, region: String, worker: WebhookWorker, metrics: ServeMetrics, logger: Logger, time: TimeSource) {
        self.queue = queue
        self.client = client
        self.region = region
        self.worker = worker
        self.metrics = metrics
        self.logger = logger
        self.time = time
        // The queue's name is the URL's last path segment; the ARN is only logged (the account is not known here).
        queueARN = "arn:aws:sqs:\(region):000000000000:" + (queue.url.split(separator: "/").last.map(String.init) ?? "delivery")
    }

    func stop() { stopping.store(true, ordering: .relaxed) }

    private var isStopping: Bool { stopping.load(ordering: .relaxed) }

    func run() {
        logger.info("serve: consuming the delivery queue", metadata: ["queue": "\(queue.url)"])
        while !isStopping {
            let messages: [SQSClient.ReceivedMessage]
            do {
                messages = try client.receiveMessages(
                    queue: queue, maximum: 10, waitSeconds: QueueConsumer.pollSeconds,
                    timeoutMilliseconds: (QueueConsumer.pollSeconds + 3) * 1000)
                lastFailure = nil
            } catch {
                noteFailure("\(error)")
                pause(milliseconds: QueueConsumer.pauseAfterFailureMilliseconds)
                continue
            }
            for (index, message) in messages.enumerated() {
                if isStopping {
                    giveBack(Array(messages[index...]))
                    break
                }
                process(message)
            }
        }
        logger.info("serve: the queue consumer stopped")
    }

    private func process(_ message: SQSClient.ReceivedMessage) {
        let record = SQSEventBuilder.Record(
            messageID: message.messageID, receiptHandle: message.receiptHandle, body: message.body,
            receiveCount: message.attributes["ApproximateReceiveCount"].flatMap { Int($0) } ?? 1,
            sentTimestamp: message.attributes["SentTimestamp"].flatMap { Int64($0) } ?? time.epochMilliseconds())
        let event = SQSEventBuilder.event([record], queueARN: queueARN, region: region)
        // A record's time, and the batch's closing calls, as Lambda's timeout gives them.
        let arrival = Arrival(time: time, timeoutMilliseconds: TimeBudget.recordMilliseconds + TimeBudget.batchReserveMilliseconds)
        let outcome = worker.handle(event, requestID: "sqs-" + message.messageID, arrival: arrival)
        metrics.record(outcome.metrics)
        let failed = (try? outcome.response.get()).flatMap { try? JSONDocument(parsing: $0).root }.map {
            ($0["batchItemFailures"]?.elements.compactMap { $0["itemIdentifier"]?.string } ?? []).contains(message.messageID)
        } ?? true
        guard !failed else { return }  // redelivery set its next try (its visibility); SQS hands it out again then
        do {
            try client.deleteMessage(queue: queue, receiptHandle: message.receiptHandle)
        } catch {
            // It comes back after its visibility timeout and is delivered again under the same idempotency key.
            logger.warning("serve: a delivered message could not be deleted", metadata: ["messageId": "\(message.messageID)", "error": "\(error)"])
        }
    }

    /// Messages not started when the consumer stops go back to the queue at once.
    private func giveBack(_ messages: [SQSClient.ReceivedMessage]) {
        let changes = messages.map { SQSClient.VisibilityChange(receiptHandle: $0.receiptHandle, visibilityTimeoutSeconds: 0) }
        do {
            let refused = try client.changeMessageVisibility(queue: queue, changes, timeoutMilliseconds: 2000)
            if !refused.isEmpty { logger.warning("serve: messages not given back; they return after their visibility timeout", metadata: ["count": "\(refused.count)"]) }
        } catch {
            logger.warning("serve: messages not given back; they return after their visibility timeout", metadata: ["error": "\(error)"])
        }
    }

    /// A failure is logged when it changes, not at every poll.
    private func noteFailure(_ description: String) {
        guard description != lastFailure else { return }
        lastFailure = description
        logger.error("serve: the delivery queue cannot be read; trying again every 5 s", metadata: ["error": "\(description)"])
    }

    private func pause(milliseconds: Int) {
        var waited = 0
        while waited < milliseconds, !isStopping {
            time.sleep(100)
            waited += 100
        }
    }
}
