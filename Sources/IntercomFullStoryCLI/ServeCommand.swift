import ArgumentParser
import IntercomFullStoryFunction
import LambdaRuntime
import Logging
import Serve
import ServiceSettings

/// `intercom-fullstory serve`: the function as an HTTP server, to try it with a workspace through a tunnel, or to
/// run it off AWS.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the function as an HTTP server (POST /intercom, GET /healthz, GET /metrics).",
        discussion: """
            Configured by the same environment variables as the Lambda function (docs/configuration.md); a wrong one
            stops it at start, named. With DELIVERY_QUEUE_URL, deliveries FullStory cannot take now are queued, and
            serve consumes the queue (unless --no-redelivery). TLS ends at your tunnel, load balancer or ingress.
            Stops on SIGTERM or SIGINT after the requests in flight (docs/serve.md).
            """
    )

    @Option(help: "Address to listen on; 0.0.0.0 listens on every interface (containers).")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (default: $PORT, else 8080).")
    var port: Int?

    @Flag(help: "Leave the delivery queue to a Lambda function or another process: queue failures, do not consume.")
    var noRedelivery = false

    @Option(help: "Threads that run deliveries; a webhook holds one for up to its 5 s.")
    var workers = ServeOptions.defaultWorkers

    func run() async throws {
        let variables = ProcessEnvironment.variable
        // One JSON line per request unless AWS_LAMBDA_LOG_FORMAT says otherwise.
        let environment = { (name: String) -> String? in
            variables(name) ?? (name == "AWS_LAMBDA_LOG_FORMAT" ? "JSON" : nil)
        }
        let logger = Logger(label: "intercom-fullstory") { LambdaLogHandler(label: $0, environment: environment) }
        let configuration = try InvokeCommand.configuration(variables)
        let defaultPort = try Self.port(variables("PORT"))
        let options = ServeOptions(host: host, port: port ?? defaultPort, redelivery: !noRedelivery, workers: workers)
        let run: ServeRun
        do {
            run = try ServeRun(options: options, configuration: configuration, logger: logger)
        } catch {
            throw ValidationError(error.description)
        }
        try await run.run()
    }

    static func port(_ text: String?) throws -> Int {
        guard let text else { return ServeOptions.defaultPort }
        // Its range is checked with --port's, by ServeRun.
        guard let port = Int(text) else { throw ValidationError("PORT must be a port number (1-65535)") }
        return port
    }
}
