/// Why a request produced no HTTP response.
public enum HTTPClientError: Error, Equatable, Sendable, CustomStringConvertible {
    case couldNotConnect(String)
    case timedOut
    case responseTooLarge
    case transport(String)
    case setup(String)

    public var description: String {
        switch self {
        case .couldNotConnect(let detail): "could not connect: \(detail)"
        case .timedOut: "timed out"
        case .responseTooLarge: "response too large"
        case .transport(let detail): "transport error: \(detail)"
        case .setup(let detail): "libcurl setup failed: \(detail)"
        }
    }
}
