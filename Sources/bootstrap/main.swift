#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import IntercomFullStoryFunction
import LambdaRuntime
import Logging
import ProductVersion
import ServiceSettings

// The custom runtime: configuration is checked before the first `GET /next`, so a wrong variable is an init
// error naming it, shown on the first invoke.
let environment = ProcessEnvironment.variable
let logger = Logger(label: "intercom-fullstory") { label in LambdaLogHandler(label: label, environment: environment) }
let exit = LambdaRuntime.run(
    runtimeAPI: environment("AWS_LAMBDA_RUNTIME_API"), userAgent: ProductVersion.userAgent, logger: logger
) {
    let configuration = try FunctionConfiguration(environment: environment)
    return InvocationRecorder(
        function: try WebhookFunction(configuration: configuration, logger: logger),
        metrics: MetricsPublisher(environment: environment, metrics: Metric.published(for: configuration)))
}
Glibc.exit(exit.exitCode)
