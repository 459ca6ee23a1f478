#if canImport(Glibc)
import Glibc
#endif
import AWSSQS
import FlatJSON
import SystemClock
import TestSupport
import Testing

/// The built `bootstrap` under the AWS Lambda Runtime Interface Emulator, on loopback ports of its own.
final class EmulatorHarness {
    static let clientSecret = "test-intercom-client-secret"
    static let fullStoryKey = "na1.e2e-fullstory-api-key-4f2c"
    static let intercomToken = "dG9rOmUyZS1pbnRlcmNvbS10b2tlbg=="

    static var bootstrapPath: String {
        getenv("BOOTSTRAP_PATH").map { String(cString: $0) } ?? repositoryRoot + "/.build/debug/bootstrap"
    }

    static var emulatorPath: String {
        getenv("AWS_LAMBDA_RIE").map { String(cString: $0) } ?? repositoryRoot + "/.build/aws-lambda-rie"
    }

    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    let process: ChildProcess
    let invokePort: Int

    /// - Parameter environment: the function's variables (the test secret and key are added unless overridden;
    ///   a `nil` value removes a variable).
    init(environment overrides: [String: String?]) throws {
        guard fileExists(Self.emulatorPath) else {
            throw Missing(description: "the emulator is missing at \(Self.emulatorPath): run deploy/fetch-emulator.sh (make test does)")
        }
        guard fileExists(Self.bootstrapPath) else {
            throw Missing(description: "bootstrap is missing at \(Self.bootstrapPath): run swift build --product bootstrap (make test does)")
        }
        var environment: [String: String] = [
            "PATH": "/usr/bin:/bin",
            "AWS_LAMBDA_FUNCTION_TIMEOUT": "10",
            "FULLSTORY_API_KEY": Self.fullStoryKey,
            "INTERCOM_CLIENT_SECRET": Self.clientSecret,
            "AWS_LAMBDA_LOG_FORMAT": "JSON",
        ]
        // CI's libcurl 8 step loads another libcurl through LD_LIBRARY_PATH: the function must load it too.
        if let libraries = getenv("LD_LIBRARY_PATH") { environment["LD_LIBRARY_PATH"] = String(cString: libraries) }
        for (name, value) in overrides { environment[name] = value }
        (process, invokePort) = try Self.start(environment: environment)
    }

    /// The emulator, started on two free ports and listening on both. Another process may still take a port between
    /// its choice and the emulator's bind; the emulator then stops ("address already in use") and is started again on
    /// other ports (at most three times).
    private static func start(environment: [String: String]) throws -> (ChildProcess, Int) {
        var attempt = 0
        while true {
            attempt += 1
            let ports = freeLoopbackPorts(2)
            let process = try ChildProcess(
                executable: emulatorPath,
                arguments: [
                    "--runtime-interface-emulator-address", "127.0.0.1:\(ports[0])",
                    "--runtime-api-address", "127.0.0.1:\(ports[1])", bootstrapPath,
                ],
                environment: environment, outputPath: "/tmp/intercom-fullstory-e2e-\(getpid())-\(ports[0]).log")
            if waitUntilListening(process, ports: ports) { return (process, ports[0]) }
            process.terminate()
            let output = process.output
            unlink(process.outputPath)
            if attempt < 3 && output.contains("address already in use") { continue }
            throw Missing(description: "the emulator did not start listening: \(output)")
        }
    }

    /// Whether `process` listens on every one of `ports` (its invocations and its Runtime API, which the function
    /// reaches) within 5 seconds; false as soon as it exits.
    private static func waitUntilListening(_ process: ChildProcess, ports: [Int]) -> Bool {
        var waiting = ports
        for _ in 0..<500 {
            if process.waitForExit(timeoutMilliseconds: 0) != nil { return false }
            waiting.removeAll { port in
                guard let fd = TestHTTP.connectLoopback(port: port) else { return false }
                close(fd)
                return true
            }
            if waiting.isEmpty { return true }
            usleep(10_000)
        }
        return false
    }

    /// Invokes the function with one API Gateway event; returns the proxy response and the time it took.
    /// - Parameter emulatorStatus: what the emulator itself should answer (502 for a function error).
    func invoke(_ event: [UInt8], emulatorStatus: Int = 200) throws -> (response: JSONValue, milliseconds: Int) {
        let start = monotonicMilliseconds()
        let answer = try TestHTTP.post(port: invokePort, path: "/2015-03-31/functions/function/invocations", body: event)
        let elapsed = monotonicMilliseconds() - start
        #expect(answer.status == emulatorStatus, "emulator answered \(answer.status): \(answer.bodyText)")
        return (try JSONDocument(parsing: answer.body).root, elapsed)
    }

    func invoke(file: String, emulatorStatus: Int = 200) throws -> (response: JSONValue, milliseconds: Int) {
        try invoke(Array(readFile(repositoryRoot + "/events/" + file).utf8), emulatorStatus: emulatorStatus)
    }

    /// Lambda's SQS event source mapping, by hand: receive up to ten from `queue`, invoke with an SQS event, delete
    /// all but the reported failures; until the queue is empty (bounded).
    @discardableResult
    func drain(_ sqs: LocalSQS, queue: SQSQueueURL) throws -> (invocations: Int, failures: [String]) {
        let client = sqs.client()
        var invocations = 0
        var failures: [String] = []
        for _ in 0..<40 {
            let messages = try client.receiveMessages(queue: queue, maximum: 10)
            if messages.isEmpty { break }
            let (response, _) = try invoke(SQSEvents.event(messages))
            invocations += 1
            let failed = SQSEvents.failures(response)
            failures += failed
            for message in messages where !failed.contains(message.messageID) {
                try client.deleteMessage(queue: queue, receiptHandle: message.receiptHandle)
            }
        }
        return (invocations, failures)
    }

    /// Stops the emulator and returns everything it and the function wrote, after checking that no secret
    /// and no customer message text is in it.
    @discardableResult
    func stop() -> String {
        process.terminate()
        let output = process.output
        LogHygiene.expectClean(output)
        unlink(process.outputPath)
        return output
    }

    deinit {
        process.terminate()
    }
}

func monotonicMilliseconds() -> Int { Int(SystemClock.monotonicNanoseconds() / 1_000_000) }

extension JSONValue {
    var statusCode: Int? { self["statusCode"]?.int }
    var bodyJSON: JSONValue? { self["body"]?.string.flatMap { try? JSONDocument(parsing: $0).root } }
}
