#if canImport(Glibc)
import Glibc
#endif

/// The `intercom-fullstory` executable, run as a user runs it: its exit status, standard output and error.
public enum CommandRun {
    public struct Missing: Error, CustomStringConvertible {
        public let description: String
    }

    public struct Outcome: Sendable {
        public var status: Int32?
        public var output: String
        public var errors: String
    }

    public static var path: String {
        getenv("CLI_PATH").map { String(cString: $0) } ?? repositoryRoot + "/.build/debug/intercom-fullstory"
    }

    /// Starts the command (for tests that stop it midway); standard output and error go to files of their own.
    public static func start(_ arguments: [String], environment: [String: String]) throws -> (ChildProcess, errorsPath: String) {
        guard fileExists(path) else {
            throw Missing(description: "the CLI is missing at \(path): run swift build --product intercom-fullstory (make test does)")
        }
        var variables = ["PATH": "/usr/bin:/bin"]
        for (name, value) in environment { variables[name] = value }
        let base = "/tmp/intercom-fullstory-cli-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let process = try ChildProcess(
            executable: path, arguments: arguments, environment: variables, outputPath: base + ".out", errorPath: base + ".err")
        return (process, base + ".err")
    }

    /// Runs the command to its end (at most `timeoutMilliseconds`).
    public static func run(_ arguments: [String], environment: [String: String], timeoutMilliseconds: Int = 60_000) throws -> Outcome {
        let (process, errorsPath) = try start(arguments, environment: environment)
        let status = process.waitForExit(timeoutMilliseconds: timeoutMilliseconds)
        if status == nil { process.terminate() }
        let outcome = Outcome(status: status, output: process.output, errors: readFile(errorsPath))
        unlink(process.outputPath)
        unlink(errorsPath)
        return outcome
    }
}
