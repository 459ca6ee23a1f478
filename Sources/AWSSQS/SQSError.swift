import CurlHTTP

/// Why an SQS call failed. Never carries credentials or message bodies.
public enum SQSError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No answer: connection refused, timed out, dropped, or libcurl could not sign.
    case transport(HTTPClientError)
    /// SQS answered an error; `code` is the short error type (`QueueDoesNotExist`, `SignatureDoesNotMatch`…)
    /// when the answer says.
    case refused(status: Int, code: String?)
    /// A 2xx answer that is not what the action returns.
    case malformedAnswer(String)
    /// Not sent: the message is larger than the queue takes.
    case messageTooLarge(bytes: Int, limit: Int)
    /// Not sent: the loaded libcurl cannot sign AWS requests.
    case signingUnavailable

    public var description: String {
        switch self {
        case .transport(let error): "SQS \(error)"
        case .refused(let status, let code): "SQS answered \(status)\(code.map { " \($0)" } ?? "")"
        case .malformedAnswer(let detail): "SQS answer not understood: \(detail)"
        case .messageTooLarge(let bytes, let limit): "message of \(bytes) bytes is over the queue's limit of \(limit)"
        case .signingUnavailable: "this libcurl cannot sign AWS requests (CURLOPT_AWS_SIGV4); nothing can be queued"
        }
    }

    /// 403: the signature, key or permission was refused (an operator must act).
    public var isAuthorizationFailure: Bool {
        if case .refused(let status, _) = self { status == 401 || status == 403 } else { false }
    }
}
