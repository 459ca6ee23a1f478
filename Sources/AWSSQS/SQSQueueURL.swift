/// A queue URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`) and the endpoint its JSON-protocol calls
/// go to: the URL's scheme and host, path `/`.
public struct SQSQueueURL: Sendable, Equatable, CustomStringConvertible {
    public let url: String
    public let endpoint: String

    /// `nil` unless `text` is `scheme://host[:port]/<path>` with a non-empty path.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard let schemeEnd = bytes.firstIndex(of: "://".utf8), schemeEnd > 0 else { return nil }
        let hostStart = schemeEnd + 3
        guard let slash = bytes[hostStart...].firstIndex(of: UInt8(ascii: "/")), slash > hostStart, slash + 1 < bytes.count
        else { return nil }
        url = text
        endpoint = String(decoding: bytes[..<slash], as: UTF8.self) + "/"
    }

    public var description: String { url }
}
