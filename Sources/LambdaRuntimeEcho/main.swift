#if canImport(Glibc)
import Glibc
#endif
import LambdaRuntime
import Logging

// Benchmark only: the project's runtime loop with a handler that does nothing, to tell the loop's cost from
// the webhook handler's.
struct FixedResponse: LambdaHandler {
    let response = Array(#"{"statusCode":200,"body":"ok"}"#.utf8)
    func handle(_ event: [UInt8], context: LambdaContext) throws -> [UInt8] { response }
}

let logger = Logger(label: "echo") { _ in SwiftLogNoOpLogHandler() }
let runtimeAPI = getenv("AWS_LAMBDA_RUNTIME_API").map { String(cString: $0) }
exit(LambdaRuntime.run(runtimeAPI: runtimeAPI, logger: logger) { FixedResponse() }.exitCode)
