import FlatJSON
import LambdaRuntime

/// Writes one CloudWatch Embedded Metric Format line per invocation to standard output, where Lambda's log
/// stream turns it into metrics. The line carries a `level` no lower than the function's log level, so that
/// Lambda's log-level filter (which counts a JSON line without a level as INFO) never drops it.
///
/// Everything but the timestamp and the values is the same on every line, so it is written once, at start-up;
/// an invocation appends numbers to prepared bytes.
public struct MetricsPublisher: Sendable {
    public let functionName: String
    /// The `level` member: INFO, or the application log level when that is higher (WARN, ERROR, FATAL).
    public let level: String
    private let sink: @Sendable ([UInt8]) -> Void
    /// `{"_aws":{"Timestamp":`
    private let head: [UInt8]
    /// The rest of `_aws` (the directive, with or without the latency metric), the dimension and the level.
    private let directiveWithLatency: [UInt8]
    private let directiveWithoutLatency: [UInt8]
    /// `,"<name>":` of each metric, by `Metric.rawValue`.
    private let keys: [[UInt8]]

    public init(functionName: String, level: String, sink: @escaping @Sendable ([UInt8]) -> Void = MetricsPublisher.writeStandardOutput) {
        self.functionName = functionName
        self.level = level
        self.sink = sink
        head = Array(#"{"_aws":{"Timestamp":"#.utf8)
        directiveWithLatency = Self.directive(Metric.allCases, functionName: functionName, level: level)
        directiveWithoutLatency = Self.directive(Metric.allCases.filter { $0 != .fullStoryLatency }, functionName: functionName, level: level)
        keys = Metric.allCases.map { metric in
            var writer = JSONWriter(capacity: 32)
            writer.string(metric.name)
            return [UInt8(ascii: ",")] + writer.bytes + [UInt8(ascii: ":")]
        }
    }

    /// From Lambda's variables: `AWS_LAMBDA_FUNCTION_NAME` and `AWS_LAMBDA_LOG_LEVEL`.
    public init(environment: (String) -> String?, sink: @escaping @Sendable ([UInt8]) -> Void = MetricsPublisher.writeStandardOutput) {
        let name = environment("AWS_LAMBDA_FUNCTION_NAME").flatMap { $0.isEmpty ? nil : $0 } ?? "intercom-fullstory"
        let configured = LambdaLogHandler.level(environment("AWS_LAMBDA_LOG_LEVEL")) ?? .info
        let level = configured > .info ? LambdaLogHandler.lambdaName(configured) : "INFO"
        self.init(functionName: name, level: level, sink: sink)
    }

    /// `,"CloudWatchMetrics":[…]},"FunctionName":"…","level":"…"`: the constant middle of every line.
    private static func directive(_ metrics: [Metric], functionName: String, level: String) -> [UInt8] {
        var writer = JSONWriter(capacity: 1024)
        writer.beginObject()
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
        for metric in metrics {
            writer.beginObject()
            writer.member("Name", metric.name)
            writer.member("Unit", metric.unit)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        writer.endArray()
        writer.endObject()
        var root = JSONWriter(capacity: 128)
        root.beginObject()
        root.member(Metric.dimension, functionName)
        root.member("level", level)
        root.endObject()
        // The object's own braces come from the line around it.
        return [UInt8(ascii: ",")] + writer.bytes.dropFirst() + [UInt8(ascii: ",")] + root.bytes.dropFirst().dropLast()
    }

    public func publish(_ metrics: InvocationMetrics, epochMilliseconds: Int64 = LambdaClock.epochMilliseconds()) {
        sink(line(metrics, epochMilliseconds: epochMilliseconds))
    }

    /// The EMF document, newline-terminated.
    func line(_ metrics: InvocationMetrics, epochMilliseconds: Int64) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(directiveWithLatency.count + 384)
        bytes.append(contentsOf: head)
        Self.appendDecimal(Int(epochMilliseconds), to: &bytes)
        let latency = metrics.fullStoryLatency
        // The directive ends with `…}` of `_aws`; the root object goes on after it.
        bytes.append(contentsOf: latency == nil ? directiveWithoutLatency : directiveWithLatency)
        for metric in Metric.allCases where metric != .fullStoryLatency {
            bytes.append(contentsOf: keys[metric.rawValue])
            Self.appendDecimal(metrics[metric], to: &bytes)
        }
        if let latency {
            bytes.append(contentsOf: keys[Metric.fullStoryLatency.rawValue])
            bytes.append(contentsOf: Self.milliseconds(latency).utf8)
        }
        bytes.append(UInt8(ascii: "}"))
        bytes.append(0x0A)
        return bytes
    }

    /// Small integers' texts are small strings: no allocation.
    private static func appendDecimal(_ value: Int, to bytes: inout [UInt8]) { bytes.append(contentsOf: String(value).utf8) }

    /// Milliseconds with three decimals, as JSON (no exponent, no locale).
    public static func milliseconds(_ value: Double) -> String {
        let thousandths = Int((max(0, value) * 1000).rounded())
        let fraction = thousandths % 1000
        return "\(thousandths / 1000)." + (fraction < 10 ? "00" : fraction < 100 ? "0" : "") + "\(fraction)"
    }

    /// One `write` per line, so that a line is never split.
    public static let writeStandardOutput: @Sendable ([UInt8]) -> Void = { line in FileDescriptor.writeAll(line, to: 1) }
}
