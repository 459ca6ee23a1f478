#if canImport(Glibc)
import Glibc
#endif
import TestSupport
import Testing

/// A long-lived execution environment must not grow with the invocations it serves. Lambda sends a new trace id,
/// deadline and request id with every invocation; the loop runs in a child process of its own (the heap of the
/// test runner moves with every other test), and the growth of glibc's heap in use is read there.
@Suite struct LambdaRuntimeMemoryTests {
    static var probePath: String { repositoryRoot + "/.build/debug/runtime-memory-probe" }

    @Test func theLoopDoesNotGrowWithUniqueTraceIDs() throws {
        guard fileExists(Self.probePath) else {
            Issue.record("runtime-memory-probe is missing at \(Self.probePath): run swift build --product runtime-memory-probe (make test does)")
            return
        }
        let server = try StandInServer(recordsRequests: false) { request, index in
            guard request.method == "GET" else { return .json(202, #"{"status":"OK"}"#) }
            // What Lambda sends: every header unique to the invocation.
            return .respond(
                status: 200,
                headers: [
                    ("Lambda-Runtime-Aws-Request-Id", "8476a536-e9f4-11e8-9739-\(String(100_000_000_000 + index))"),
                    ("Lambda-Runtime-Deadline-Ms", "\(4_102_444_800_000 + index)"),
                    ("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:f-\(index % 7)"),
                    ("Lambda-Runtime-Trace-Id", "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700\(String(index, radix: 16));Parent=9a9197af755a6419;Sampled=1"),
                    ("Content-Type", "application/json"),
                ],
                body: Array(#"{"httpMethod":"GET","path":"/health"}"#.utf8))
        }
        defer { server.shutdown() }
        let invocations = 21_000
        let warmUp = 1_000
        let output = "/tmp/runtime-memory-probe-\(getpid()).log"
        defer { unlink(output) }
        let probe = try ChildProcess(
            executable: Self.probePath, arguments: ["\(invocations)", "\(warmUp)"],
            environment: ["AWS_LAMBDA_RUNTIME_API": "127.0.0.1:\(server.port)"], outputPath: output)
        // Bounded: 21,000 loopback invocations take a few seconds; a stuck loop is ended.
        guard let status = probe.waitForExit(timeoutMilliseconds: 240_000) else {
            probe.terminate()
            Issue.record("the probe did not finish: \(probe.output)")
            return
        }
        #expect(status == 0, "\(probe.output)")
        let words = probe.output.split(whereSeparator: { $0 == " " || $0 == "\n" })
        let growth = try #require(words.firstIndex(of: "heap-growth-bytes").flatMap { Int(words[$0 + 1]) }, "\(probe.output)")
        // At most 1 MB per 100,000 invocations (10 bytes each); glibc's setenv per trace id cost about 160.
        let perHundredThousand = growth * 100_000 / (invocations - warmUp)
        #expect(perHundredThousand <= 1_000_000, "heap grew \(growth) bytes over \(invocations - warmUp) invocations")
    }
}
