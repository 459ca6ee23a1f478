#if canImport(Glibc)
import Glibc
#endif
import HeapUsage
import LambdaRuntime
import Logging

// Runs the runtime loop with a do-nothing handler against AWS_LAMBDA_RUNTIME_API for the number of invocations
// given as the first argument, and prints how much glibc's heap in use (mallinfo2) grew between the end of a
// warm-up (the second argument) and the last invocation: `heap-growth-bytes <n> invocations <m>`. The heap in
// use, unlike RSS, does not move with the allocator's caching, so a small leak per invocation shows at once.
final class HeapProbe: LambdaHandler {
    let total: Int
    let warmUp: Int
    var count = 0
    var baseline = 0
    var growth = 0

    init(total: Int, warmUp: Int) {
        self.total = total
        self.warmUp = warmUp
    }

    func handle(_ event: [UInt8], context: LambdaContext) throws -> [UInt8] {
        count += 1
        if count == warmUp { baseline = Int(heap_bytes_in_use()) }
        if count == total { growth = Int(heap_bytes_in_use()) - baseline }
        return Array(#"{"ok":true}"#.utf8)
    }
}

let arguments = CommandLine.arguments
guard arguments.count == 3, let total = Int(arguments[1]), let warmUp = Int(arguments[2]), warmUp > 0, total > warmUp else {
    print("usage: runtime-memory-probe INVOCATIONS WARM_UP")
    exit(64)
}
let probe = HeapProbe(total: total, warmUp: warmUp)
let logger = Logger(label: "probe") { _ in SwiftLogNoOpLogHandler() }
let outcome = LambdaRuntime.run(
    runtimeAPI: getenv("AWS_LAMBDA_RUNTIME_API").map { String(cString: $0) }, logger: logger, invocationLimit: total
) { probe }
print("heap-growth-bytes \(probe.growth) invocations \(total - warmUp)")
exit(outcome.exitCode)
