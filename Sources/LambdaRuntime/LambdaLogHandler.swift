#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import FileContents
import FlatJSON
import ISO8601Format
import Logging
import SystemClock

/// swift-log handler for Lambda: one JSON object per line (`timestamp`, `level`, `message`, `requestId`,
/// fields) when `AWS_LAMBDA_LOG_FORMAT=JSON`, otherwise plain lines. Writes to standard error.
public struct LambdaLogHandler: LogHandler {
    public enum Format: Sendable {
        case json, text
    }

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    public let format: Format
    private let label: String
    private let sink: @Sendable ([UInt8]) -> Void

    public init(label: String, format: Format, level: Logger.Level, sink: @escaping @Sendable ([UInt8]) -> Void = LambdaLogHandler.writeStandardError) {
        self.label = label
        self.format = format
        self.logLevel = level
        self.sink = sink
    }

    /// Format and level from `AWS_LAMBDA_LOG_FORMAT` and `AWS_LAMBDA_LOG_LEVEL` (`environment` gives a
    /// variable's value by name).
    public init(
        label: String, environment: (String) -> String?,
        sink: @escaping @Sendable ([UInt8]) -> Void = LambdaLogHandler.writeStandardError
    ) {
        let format: Format = environment("AWS_LAMBDA_LOG_FORMAT")?.lowercased() == "json" ? .json : .text
        self.init(label: label, format: format, level: Self.level(environment("AWS_LAMBDA_LOG_LEVEL")) ?? .info, sink: sink)
    }

    package static func level(_ name: String?) -> Logger.Level? {
        switch name?.uppercased() {
        case "TRACE": .trace
        case "DEBUG": .debug
        case "INFO": .info
        case "WARN", "WARNING": .warning
        case "ERROR": .error
        case "FATAL", "CRITICAL": .critical
        default: nil
        }
    }

    package static func lambdaName(_ level: Logger.Level) -> String {
        switch level {
        case .trace: "TRACE"
        case .debug: "DEBUG"
        case .info, .notice: "INFO"
        case .warning: "WARN"
        case .error: "ERROR"
        case .critical: "FATAL"
        }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = metadata
        if let extra = event.metadata { fields.merge(extra) { $1 } }
        let line: [UInt8]
        switch format {
        case .json: line = jsonLine(level: event.level, message: "\(event.message)", fields: fields)
        case .text: line = textLine(level: event.level, message: "\(event.message)", fields: fields)
        }
        sink(line)
    }

    private func jsonLine(level: Logger.Level, message: String, fields: Logger.Metadata) -> [UInt8] {
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.member("timestamp", Self.timestamp())
        writer.member("level", Self.lambdaName(level))
        writer.member("message", message)
        if let requestID = fields["requestId"] { writer.member("requestId", Self.text(requestID)) }
        for (key, value) in Self.sorted(fields) where key != "requestId" {
            writer.member(key, Self.text(value))
        }
        writer.endObject()
        var line = writer.bytes
        writer = JSONWriter()  // `line` is now the only reference: the newline is appended in place
        line.append(0x0A)
        return line
    }

    /// Keys in order, so that lines are stable and easy to read.
    private static func sorted(_ fields: Logger.Metadata) -> [(key: String, value: Logger.MetadataValue)] {
        fields.sorted { $0.key < $1.key }
    }

    /// A string value as it is; others as swift-log prints them.
    private static func text(_ value: Logger.MetadataValue) -> String {
        if case .string(let text) = value { return text }
        return "\(value)"
    }

    private func textLine(level: Logger.Level, message: String, fields: Logger.Metadata) -> [UInt8] {
        var line = "\(Self.timestamp()) \(Self.lambdaName(level)) "
        if let requestID = fields["requestId"] { line += "\(requestID) " }
        line += message.replacingNewlines()
        for (key, value) in Self.sorted(fields) where key != "requestId" {
            line += " \(key)=\(Self.text(value).replacingNewlines())"
        }
        return Array(line.utf8) + [0x0A]
    }

    /// RFC 3339 with milliseconds, UTC.
    static func timestamp() -> String {
        let milliseconds = SystemClock.epochMilliseconds()
        return ISO8601.format(unixSeconds: Int(milliseconds / 1000), milliseconds: Int(milliseconds % 1000))
    }

    /// One `write` per line, so lines from one process never interleave.
    public static let writeStandardError: @Sendable ([UInt8]) -> Void = { line in FileDescriptor.writeAll(line, to: 2) }
}

extension String {
    /// Plain-text logs stay one line per entry.
    fileprivate func replacingNewlines() -> String {
        String(unicodeScalars.map { $0 == "\n" || $0 == "\r" ? " " : Character($0) })
    }
}
