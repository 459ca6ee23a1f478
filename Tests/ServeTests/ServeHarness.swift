#if canImport(Glibc)
import Glibc
#endif
import FileContents
import IntercomFullStory
import Synchronization
import TestSupport

/// The built `intercom-fullstory serve` on a free loopback port, as a user runs it, with the test secret and key
/// and the variables a test adds; `stop()` sends SIGTERM and returns the exit status and what it logged.
final class ServeHarness: Sendable {
    static let clientSecret = "test-intercom-client-secret"
    static let fullStoryKey = "na1.serve-fullstory-api-key-7d1e"

    let process: ChildProcess
    let port: Int
    private let errorsPath: String
    private let stopped = Mutex<(status: Int32?, output: String)?>(nil)

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// - Parameter environment: the function's variables over the defaults (a `nil` value removes one).
    init(arguments: [String] = [], environment overrides: [String: String?] = [:]) throws {
        var environment: [String: String] = [
            "FULLSTORY_API_KEY": Self.fullStoryKey, "INTERCOM_CLIENT_SECRET": Self.clientSecret,
        ]
        if let libraries = getenv("LD_LIBRARY_PATH") { environment["LD_LIBRARY_PATH"] = String(cString: libraries) }
        for (name, value) in overrides { environment[name] = value }
        port = freeLoopbackPort()
        (process, errorsPath) = try CommandRun.start(["serve", "--port", "\(port)"] + arguments, environment: environment)
        if Self.started(process, port: port) { return }
        let (status, output) = stop()
        throw Failure(description: "serve did not start (exit \(status.map { "\($0)" } ?? "none")): \(output)")
    }

    /// Whether `process` answers its health check on `port` (a server that does not within 20 s has failed to start).
    static func started(_ process: ChildProcess, port: Int) -> Bool {
        waitUntil(timeoutMilliseconds: 20_000, intervalMilliseconds: 50) {
            process.hasExited
                || (try? TestHTTP.request(port: port, method: "GET", path: "/healthz", timeoutMilliseconds: 2000))?.status == 200
        } && !process.hasExited
    }

    /// A webhook body signed as Intercom signs it.
    func post(_ body: [UInt8], signature: String? = nil, timeoutMilliseconds: Int = 15_000) throws -> TestHTTP.Response {
        try TestHTTP.request(
            port: port, method: "POST", path: "/intercom",
            headers: [
                ("Content-Type", "application/json"),
                ("X-Hub-Signature", signature ?? IntercomSignature.sign(body: body, secret: Array(Self.clientSecret.utf8))),
            ], body: body, timeoutMilliseconds: timeoutMilliseconds)
    }

    func request(_ method: String, _ path: String) throws -> TestHTTP.Response {
        try TestHTTP.request(port: port, method: method, path: path)
    }

    /// SIGTERM, then the exit (at most 15 s; killed after); the exit status and everything it wrote.
    @discardableResult
    func stop() -> (status: Int32?, output: String) {
        if let stopped = stopped.withLock({ $0 }) { return stopped }
        process.send(SIGTERM)
        let status = process.waitForExit(timeoutMilliseconds: 15_000)
        if status == nil { process.terminate() }
        let result = (status, process.output + readFile(errorsPath))
        unlink(process.outputPath)
        unlink(errorsPath)
        stopped.withLock { $0 = result }
        return result
    }

    /// The sample body `events/bodies/<name>.json`.
    static func body(_ name: String) throws -> [UInt8] {
        try FileContents.read(repositoryRoot + "/events/bodies/" + name + ".json")
    }
}
