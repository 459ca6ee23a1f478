#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Logging

/// The custom-runtime loop: `GET /next`, run the handler, post its response or error, repeat. Synchronous:
/// Lambda sends one invocation at a time to an execution environment.
public enum LambdaRuntime {
    /// Why the loop stopped; the process should exit with `exitCode`.
    public enum Exit: Equatable, Sendable {
        case missingRuntimeAPI
        case initFailed
        case runtimeAPIUnreachable
        case containerError
        /// Only for tests: the loop was asked to stop after a number of invocations.
        case invocationLimitReached

        public var exitCode: Int32 { self == .invocationLimitReached ? 0 : 1 }
    }

    /// Consecutive failures to reach the Runtime API before giving up.
    public static let maximumConsecutiveFailures = 3

    /// Runs until the Runtime API tells us to stop or cannot be reached.
    /// - Parameters:
    ///   - runtimeAPI: `host:port`, normally `AWS_LAMBDA_RUNTIME_API`.
    ///   - userAgent: what the loop's requests to the Runtime API say they come from (the function's).
    ///   - makeHandler: builds the handler once; throwing reports an init error and ends the process.
    ///   - invocationLimit: stop after this many invocations (tests only).
    public static func run<Handler: LambdaHandler>(
        runtimeAPI: String?, userAgent: String = "lambda-runtime", logger: Logger, invocationLimit: Int? = nil,
        makeHandler: () throws -> Handler
    ) -> Exit {
        guard let runtimeAPI, !runtimeAPI.isEmpty else {
            logger.critical("AWS_LAMBDA_RUNTIME_API is not set; this program runs under AWS Lambda or its emulator")
            return .missingRuntimeAPI
        }
        let client: RuntimeAPIClient
        do {
            client = try RuntimeAPIClient(host: runtimeAPI, userAgent: userAgent)
        } catch {
            logger.critical("cannot set up the Runtime API client", metadata: ["error": "\(error)"])
            return .initFailed
        }
        var handler: Handler
        do {
            handler = try makeHandler()
        } catch {
            let report = ErrorReport(error, defaultType: "Runtime.InitError")
            logger.critical("initialisation failed", metadata: ["errorType": "\(report.type)", "error": "\(report.message)"])
            _ = try? client.postInitError(type: report.type, message: report.message)
            return .initFailed
        }
        var failures = 0
        var invocations = 0
        while invocationLimit.map({ invocations < $0 }) ?? true {
            let invocation: RuntimeAPIClient.Invocation
            do {
                invocation = try client.next()
                failures = 0
            } catch .unexpectedStatus(500, _) {
                logger.critical("Runtime API reported a container error; exiting")
                return .containerError
            } catch .unusableInvocation(let requestID, let errorType, let message) {
                // The Runtime API answered; the invocation itself is bad. Answered now, never left to time out.
                failures = 0
                invocations += 1
                let requestLogger = tagged(logger, requestID)
                requestLogger.error("invocation cannot be taken", metadata: ["errorType": "\(errorType)"])
                let outcome = HandlerOutcome.failure(ErrorReport(type: errorType, message: message))
                if let exit = answer(outcome, for: requestID, client: client, logger: requestLogger) { return exit }
                continue
            } catch {
                failures += 1
                logger.error("cannot get the next invocation", metadata: ["error": "\(error)", "attempt": "\(failures)"])
                if failures >= maximumConsecutiveFailures { return .runtimeAPIUnreachable }
                continue
            }
            invocations += 1
            if let exit = process(invocation, with: &handler, client: client, logger: logger) { return exit }
        }
        return .invocationLimitReached
    }

    private static func process<Handler: LambdaHandler>(
        _ invocation: RuntimeAPIClient.Invocation, with handler: inout Handler, client: RuntimeAPIClient,
        logger: Logger
    ) -> Exit? {
        // The trace id stays in the context. `setenv("_X_AMZN_TRACE_ID", …)` per invocation would leak: glibc
        // keeps every value it was given (about 160 bytes an invocation), and nothing in the process reads it.
        var invocation = invocation
        let requestLogger = tagged(logger, invocation.context.requestID)
        invocation.context.logger = requestLogger
        return answer(
            handlerOutcome(invocation, handler: &handler, logger: requestLogger), for: invocation.context.requestID, client: client,
            logger: requestLogger)
    }

    /// The logger of one invocation: every line it writes names the request (the one place it is tagged).
    private static func tagged(_ logger: Logger, _ requestID: String) -> Logger {
        var logger = logger
        logger[metadataKey: "requestId"] = "\(requestID)"
        return logger
    }

    /// Posts one invocation's outcome; an exit when the Runtime API says the environment is broken. `logger` is
    /// the invocation's.
    private static func answer(
        _ outcome: HandlerOutcome, for requestID: String, client: RuntimeAPIClient, logger: Logger
    ) -> Exit? {
        let result: RuntimeAPIClient.PostResult
        do {
            result = try post(outcome, for: requestID, client: client)
        } catch {
            logger.error("cannot post the result", metadata: ["error": "\(error)"])
            return nil
        }
        switch result {
        case .containerError:
            logger.critical("Runtime API reported a container error; exiting")
            return .containerError
        case .refused(let status):
            logger.error("Runtime API refused the result", metadata: ["status": "\(status)"])
            return nil
        case .accepted, .payloadTooLarge:
            return nil
        }
    }
}

extension LambdaRuntime {
    /// The handler's response, or the error it threw, ready to post.
    enum HandlerOutcome {
        case response([UInt8])
        case failure(ErrorReport)
    }

    static func handlerOutcome<Handler: LambdaHandler>(
        _ invocation: RuntimeAPIClient.Invocation, handler: inout Handler, logger: Logger
    ) -> HandlerOutcome {
        do {
            return .response(try handler.handle(invocation.event, context: invocation.context))
        } catch {
            let report = ErrorReport(error, defaultType: "Function.Unhandled")
            logger.error(
                "handler failed", metadata: ["errorType": "\(report.type)"])
            return .failure(report)
        }
    }

    /// Posts the outcome; a response over Lambda's limit (413) is reported as an error for the invocation.
    static func post(_ outcome: HandlerOutcome, for requestID: String, client: RuntimeAPIClient) throws(RuntimeAPIError)
        -> RuntimeAPIClient.PostResult
    {
        switch outcome {
        case .failure(let report):
            return try client.postError(requestID: requestID, type: report.type, message: report.message)
        case .response(let body):
            let result = try client.postResponse(requestID: requestID, body: body)
            guard result == .payloadTooLarge else { return result }
            return try client.postError(
                requestID: requestID, type: "Function.ResponseSizeTooLarge",
                message: "response of \(body.count) bytes is over Lambda's payload limit")
        }
    }
}
