import FileContents
import FlatJSON
import LambdaRuntime
import SystemClock

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
    /// The counts this deployment publishes (latency apart): a feature that is off publishes no series of its own,
    /// which CloudWatch would bill as custom metrics.
    private let counts: [Metric]

    /// - Parameter metrics: what to publish (`Metric.published(for:)`); every metric by default.
    public init(
        functionName: String, level: String, metrics: [Metric] = Metric.allCases,
        sink: @escaping @Sendable ([UInt8]) -> Void = MetricsPublisher.writeStandardOutput
    ) {
        self.functionName = functionName
        self.level = level
        self.sink = sink
        counts = metrics.filter { $0 != .fullStoryLatency }
        head = Array(#"{"_aws":{"Timestamp":"#.utf8)
        directiveWithLatency = Self.directive(counts + [.fullStoryLatency], functionName: functionName, level: level)
        directiveWithoutLatency = Self.directive(counts, functionName: functionName, level: level)
        // Metric names are plain ASCII identifiers: nothing to escape.
        keys = Metric.allCases.map { metric in
            var key: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: "\"")]
            key.append(contentsOf: metric.name.utf8)
            key.append(contentsOf: "\":".utf8)
            return key
        }
    }

    /// From Lambda's variables: `AWS_LAMBDA_FUNCTION_NAME` and `AWS_LAMBDA_LOG_LEVEL`.
    public init(
        environment: (String) -> String?, metrics: [Metric] = Metric.allCases,
        sink: @escaping @Sendable ([UInt8]) -> Void = MetricsPublisher.writeStandardOutput
    ) {
        let name = environment("AWS_LAMBDA_FUNCTION_NAME").flatMap { $0.isEmpty ? nil : $0 } ?? "intercom-fullstory"
        let configured = LambdaLogHandler.level(environment("AWS_LAMBDA_LOG_LEVEL")) ?? .info
        let level = configured > .info ? LambdaLogHandler.lambdaName(configured) : "INFO"
        self.init(functionName: name, level: level, metrics: metrics, sink: sink)
    }

    /// `,"CloudWatchMetrics":[…]},"FunctionName":"…","level":"…"`: the constant middle of every line, written
    /// once at start-up. Bytes are appended from literals (string interpolation would cost the cold start a
    /// quarter of a million instructions); only the function name needs escaping.
    private static func directive(_ metrics: [Metric], functionName: String, level: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1024)
        bytes.append(contentsOf: #","CloudWatchMetrics":[{"Namespace":""#.utf8)
        bytes.append(contentsOf: Metric.namespace.utf8)
        bytes.append(contentsOf: #"","Dimensions":[[""#.utf8)
        bytes.append(contentsOf: Metric.dimension.utf8)
        bytes.append(contentsOf: #""]],"Metrics":["#.utf8)
        for (index, metric) in metrics.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: #"{"Name":""#.utf8)
            bytes.append(contentsOf: metric.name.utf8)
            bytes.append(contentsOf: #"","Unit":""#.utf8)
            bytes.append(contentsOf: metric.unit.utf8)
            bytes.append(contentsOf: #""}"#.utf8)
        }
        bytes.append(contentsOf: #"]}]},""#.utf8)
        bytes.append(contentsOf: Metric.dimension.utf8)
        bytes.append(contentsOf: #"":"#.utf8)
        var name = JSONWriter(capacity: functionName.utf8.count + 8)
        name.string(functionName)
        bytes.append(contentsOf: name.bytes)
        bytes.append(contentsOf: #","level":""#.utf8)
        bytes.append(contentsOf: level.utf8)
        bytes.append(UInt8(ascii: "\""))
        return bytes
    }

    public func publish(_ metrics: InvocationMetrics, epochMilliseconds: Int64 = SystemClock.epochMilliseconds()) {
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
        for metric in counts {
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
