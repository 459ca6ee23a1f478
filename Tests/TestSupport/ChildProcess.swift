#if canImport(Glibc)
import Glibc
#endif
import FileContents
import Synchronization
import SystemClock

/// A child process started with `posix_spawn`, its standard output and error going to one file.
public final class ChildProcess: Sendable {
    public let pid: pid_t
    public let outputPath: String
    /// Its exit status once reaped: after that no signal goes to `pid`, which may be another process's by then.
    private let exitStatus = Mutex<Int32?>(nil)

    public struct SpawnError: Error, CustomStringConvertible {
        public let description: String
    }

    /// - Parameter errorPath: where standard error goes; `nil` sends it to `outputPath` with standard output.
    public init(executable: String, arguments: [String], environment: [String: String], outputPath: String, errorPath: String? = nil) throws {
        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        posix_spawn_file_actions_addopen(&fileActions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o644)
        if let errorPath {
            posix_spawn_file_actions_addopen(&fileActions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o644)
        } else {
            posix_spawn_file_actions_adddup2(&fileActions, 1, 2)
        }
        posix_spawn_file_actions_addopen(&fileActions, 0, "/dev/null", O_RDONLY, 0)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        // As from a shell: no signal blocked or ignored (the test runner's threads block some, and a child
        // inherits that mask, so a SIGTERM sent to it would stay pending).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var child: pid_t = 0
        let status = posix_spawn(&child, executable, &fileActions, &attributes, argv, envp)
        guard status == 0 else {
            throw SpawnError(description: "cannot start \(executable): \(String(cString: strerror(status)))")
        }
        pid = child
        self.outputPath = outputPath
    }

    /// Waits up to `timeoutMilliseconds` for the process to exit; its exit status, or `nil` if still running.
    public func waitForExit(timeoutMilliseconds: Int) -> Int32? {
        let deadline = SystemClock.monotonicNanoseconds() + UInt64(timeoutMilliseconds) * 1_000_000
        while true {
            if let status = exitStatus.withLock({ $0 }) { return status }
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid {
                // WIFEXITED / WEXITSTATUS, spelled out (they are macros).
                let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
                exitStatus.withLock { $0 = exit }
                return exit
            }
            if result < 0 || SystemClock.monotonicNanoseconds() >= deadline { return nil }
            usleep(10_000)
        }
    }

    /// Whether it was reaped (it exited and `waitForExit` saw it).
    public var hasExited: Bool { exitStatus.withLock { $0 != nil } }

    /// Sends `signal` (SIGKILL, SIGTERM, SIGINT) without waiting; nothing once it was reaped.
    public func send(_ signal: Int32) {
        guard !hasExited else { return }
        kill(pid, signal)
    }

    public func terminate() {
        guard !hasExited else { return }
        kill(pid, SIGTERM)
        if waitForExit(timeoutMilliseconds: 2000) == nil {
            send(SIGKILL)
            _ = waitForExit(timeoutMilliseconds: 2000)
        }
    }

    public var output: String { readFile(outputPath) }
}

public func readFile(_ path: String) -> String { String(decoding: readBytes(path), as: UTF8.self) }

/// The bytes of a file; empty when it cannot be read.
public func readBytes(_ path: String) -> [UInt8] { (try? FileContents.read(path)) ?? [] }

/// The repository root, from this file's location (Tests/TestSupport/ChildProcess.swift).
public let repositoryRoot: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/")
}()

public func fileExists(_ path: String) -> Bool { access(path, F_OK) == 0 }
