import AWSSQS
import Hummingbird
import HummingbirdCore
import IntercomFullStoryFunction
import LambdaRuntime
import Logging
import NIOCore
import ServiceLifecycle
import SystemClock

/// `intercom-fullstory serve`: the function behind an HTTP server, with the same configuration, answers, log lines
/// and delivery as in Lambda, and with the delivery queue consumed in-process.
public struct ServeRun {
    public struct Refusal: Error, CustomStringConvertible {
        public let description: String
    }

    let options: ServeOptions
    let configuration: FunctionConfiguration
    let logger: Logger
    let time: TimeSource

    /// Refuses what `serve` must not run with, before anything listens.
    public init(options: ServeOptions, configuration: FunctionConfiguration, logger: Logger, time: TimeSource = .system) throws(Refusal) {
        if configuration.acceptsUnsignedRequests {
            throw Refusal(
                description: "INTERCOM_ALLOW_UNSIGNED is refused by serve: behind a tunnel, loopback is the internet. Set INTERCOM_CLIENT_SECRET")
        }
        guard (1...65_535).contains(options.port) else { throw Refusal(description: "the port (--port, else $PORT) must be between 1 and 65535") }
        guard (1...1024).contains(options.workers) else { throw Refusal(description: "--workers must be between 1 and 1024") }
        self.options = options
        self.configuration = configuration
        self.logger = logger
        self.time = time
    }

    /// Serves until SIGTERM or SIGINT; then stops accepting, finishes the requests in flight and the queue's
    /// current record, and returns.
    public func run() async throws {
        let shared = ProcessState(configuration: configuration, logger: logger)
        let metrics = ServeMetrics()
        var workers: [WebhookWorker] = []
        for _ in 0..<options.workers {
            workers.append(WebhookWorker(function: try makeFunction(shared), logger: logger, time: time))
        }
        let pool = WorkerPool(workers: workers)
        var consumer: QueueConsumer?
        if let queue = configuration.deliveryQueue {
            if queue.credentials.sessionToken != nil {
                logger.warning(
                    "AWS_SESSION_TOKEN is set: serve uses these credentials as they are and never refreshes them; when they expire, nothing can be queued. An IAM user's keys do not expire (docs/serve.md)")
            }
            if options.redelivery {
                let worker = WebhookWorker(function: try makeFunction(shared), logger: logger, time: time)
                let client = SQSClient(credentials: queue.credentials, options: configuration.services.httpOptions)
                consumer = QueueConsumer(
                    queue: queue.queue, client: client, region: queue.credentials.region, worker: worker, metrics: metrics,
                    logger: logger, time: time)
            }
        }
        let routes = WebhookRoutes(
            pool: pool, metrics: metrics, maximumBodySize: configuration.webhook.maximumBodySize,
            admissionMilliseconds: options.admissionMilliseconds, logger: logger, time: time)
        let redelivering = consumer != nil
        let application = Application(
            router: routes.router(),
            server: .http1(configuration: .init(idleTimeout: .seconds(Int64(options.idleSeconds)))),
            configuration: ApplicationConfiguration(
                address: .hostname(options.host, port: options.port), serverName: nil,
                // Connections beyond these wait in the listen backlog: bounded memory, whatever comes.
                availableConnectionsDelegate: MaximumAvailableConnections(4 * options.workers + 64)),
            onServerRunning: { [logger, options, redelivering] channel in
                logger.info(
                    "serve: listening", metadata: [
                        "address": "http://\(options.host):\(channel.localAddress?.port ?? options.port)", "workers": "\(options.workers)",
                        "redelivery": "\(redelivering)",
                    ])
            },
            logger: logger)
        // Told to stop in reverse order: the consumer's stopper first, then the server (its requests finish while
        // the consumer finishes its record), then the consumer.
        var services: [any Service] = []
        if let consumer { services.append(consumer) }
        services.append(application)
        if let consumer { services.append(consumer.stopper) }
        var group = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        group.maximumGracefulShutdownDuration = .seconds(9)
        do {
            try await ServiceGroup(configuration: group).run()
        } catch {
            await pool.shutdown()
            throw error
        }
        await pool.shutdown()
    }

    private func makeFunction(_ shared: ProcessState) throws -> WebhookFunction {
        try WebhookFunction(configuration: configuration, logger: logger, time: time, shared: shared)
    }
}
