import FlatJSON
import LambdaRuntime

/// Writes one CloudWatch Embedded Metric Format line per invocation to standard output, where Lambda's log
/// stream turns it into metrics. The line carries a `level` no lower than the function's log level, so that
/// Lambda's log-level filter (which counts a JSON line without a level as INFO) never drops it.
public struct MetricsPublisher: Sendable {
    public let functionName: String
    /// The `level` member: INFO, or the application log level when that is higher (WARN, ERROR, FATAL).
    public let level: String
    private let sink: @Sendable ([UInt8]) -> Void

    public init(functionName: String, level: String, sink: @escaping @Sendable ([UInt8]) -> Void = MetricsPublisher.writeStandardOutput) {
        self.functionName = functionName
        self.level = level
        self.sink = sink
    }

    /// From Lambda's variables: `AWS_LAMBDA_FUNCTION_NAME` and `AWS_LAMBDA_LOG_LEVEL`.
    public init(environment: (String) -> String?, sink: @escaping @Sendable ([UInt8]) -> Void = MetricsPublisher.writeStandardOutput) {
        let name = environment("AWS_LAMBDA_FUNCTION_NAME").flatMap { $0.isEmpty ? nil : $0 } ?? "intercom-fullstory"
        let configured = LambdaLogHandler.level(environment("AWS_LAMBDA_LOG_LEVEL")) ?? .info
        let level = configured > .info ? LambdaLogHandler.lambdaName(configured) : "INFO"
        self.init(functionName: name, level: level, sink: sink)
    }

    public func publish(_ metrics: InvocationMetrics, epochMilliseconds: Int64 = LambdaClock.epochMilliseconds()) {
        sink(line(metrics, epochMilliseconds: epochMilliseconds))
    }

    /// The EMF document, newline-terminated.
    func line(_ metrics: InvocationMetrics, epochMilliseconds: Int64) -> [UInt8] {
        let published = Metric.allCases.filter { $0 != .fullStoryLatency || metrics.fullStoryLatency != nil }
        var writer = JSONWriter(capacity: 1024)
        writer.beginObject()
        writer.key("_aws")
        writer.beginObject()
        writer.member("Timestamp", Int(epochMilliseconds))
        writer.key("CloudWatchMetrics")
        writer.beginArray()
        writer.beginObject()
        writer.member("Namespace", Metric.namespace)
        writer.key("Dimensions")
        writer.beginArray()
        writer.beginArray()
        writer.string(Metric.dimension)
        writer.endArray()
        writer.endArray()
        writer.key("Metrics")
        writer.beginArray()
        for metric in published {
            writer.beginObject()
            writer.member("Name", metric.rawValue)
            writer.member("Unit", metric.unit)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        writer.endArray()
        writer.endObject()
        writer.member(Metric.dimension, functionName)
        writer.member("level", level)
        for metric in published {
            if metric == .fullStoryLatency, let latency = metrics.fullStoryLatency {
                writer.key(metric.rawValue)
                writer.raw(Array(Self.milliseconds(latency).utf8))
            } else {
                writer.member(metric.rawValue, metrics[metric])
            }
        }
        writer.endObject()
        var bytes = writer.bytes
        writer = JSONWriter()  // `bytes` is now the only reference: the newline is appended in place
        bytes.append(0x0A)
        return bytes
    }

    /// Milliseconds with three decimals, as JSON (no exponent, no locale).
    public static func milliseconds(_ value: Double) -> String {
        let thousandths = Int((max(0, value) * 1000).rounded())
        let fraction = thousandths % 1000
        return "\(thousandths / 1000)." + (fraction < 10 ? "00" : fraction < 100 ? "0" : "") + "\(fraction)"
    }

    /// One `write` per line, so that a line is never split.
    public static let writeStandardOutput: @Sendable ([UInt8]) -> Void = { line in FileDescriptor.writeAll(line, to: 1) }
}
