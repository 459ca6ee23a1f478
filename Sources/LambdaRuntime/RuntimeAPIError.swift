import CurlHTTP

/// Failures talking to the Runtime API.
public enum RuntimeAPIError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No connection could be made, or the transfer broke.
    case unreachable(HTTPClientError)
    /// The Runtime API answered with an unexpected status.
    case unexpectedStatus(Int, endpoint: String)
    /// `/next` gave no request id.
    case missingRequestID
    /// `/next` named an invocation whose event cannot be taken (too large, a required header missing): it is
    /// answered with an invocation error rather than left to time out.
    case unusableInvocation(requestID: String, errorType: String, message: String)

    public var description: String {
        switch self {
        case .unreachable(let error): "Runtime API unreachable: \(error)"
        case .unexpectedStatus(let status, let endpoint): "Runtime API answered \(status) to \(endpoint)"
        case .missingRequestID: "Runtime API sent an invocation without Lambda-Runtime-Aws-Request-Id"
        case .unusableInvocation(let requestID, _, let message): "invocation \(requestID) cannot be taken: \(message)"
        }
    }
}
