import CurlHTTP

/// Failures talking to the Runtime API.
public enum RuntimeAPIError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No connection could be made, or the transfer broke.
    case unreachable(HTTPClientError)
    /// The Runtime API answered with an unexpected status.
    case unexpectedStatus(Int, endpoint: String)
    /// `/next` gave no request id.
    case missingRequestID

    public var description: String {
        switch self {
        case .unreachable(let error): "Runtime API unreachable: \(error)"
        case .unexpectedStatus(let status, let endpoint): "Runtime API answered \(status) to \(endpoint)"
        case .missingRequestID: "Runtime API sent an invocation without Lambda-Runtime-Aws-Request-Id"
        }
    }
}
