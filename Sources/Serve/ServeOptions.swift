/// How `intercom-fullstory serve` listens and works; the function's own settings come from the environment, as in
/// Lambda (`FunctionConfiguration`).
public struct ServeOptions: Sendable {
    /// `127.0.0.1` unless asked: behind a tunnel, loopback is where the tunnel's client connects from.
    public var host: String
    public var port: Int
    /// Consume the delivery queue (with `DELIVERY_QUEUE_URL`); off with `--no-redelivery`, leaving the queue to a
    /// Lambda function or another process.
    public var redelivery: Bool
    /// Threads that run deliveries (libcurl blocks): a webhook holds one for up to its budget, so tens of them
    /// suit I/O-bound work on any number of cores.
    public var workers: Int
    /// How long a request waits for a free worker before it is answered 503: a fifth of Intercom's 5 s.
    public var admissionMilliseconds: Int
    /// A client that sends nothing for this long, within a request or between requests, is disconnected.
    public var idleSeconds: Int

    public static let defaultPort = 8080
    public static let defaultWorkers = 32

    public init(
        host: String = "127.0.0.1", port: Int = ServeOptions.defaultPort, redelivery: Bool = true,
        workers: Int = ServeOptions.defaultWorkers, admissionMilliseconds: Int = 1000, idleSeconds: Int = 10
    ) {
        self.host = host
        self.port = port
        self.redelivery = redelivery
        self.workers = workers
        self.admissionMilliseconds = admissionMilliseconds
        self.idleSeconds = idleSeconds
    }
}
