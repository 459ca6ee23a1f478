import ASCIIText
import FlatJSON

/// What an answer of `POST /v2/events` means for delivery. Pure: the HTTP client passes status and body in.
public enum FullStoryReply: Sendable, Equatable {
    case accepted
    /// 400 `session_page_limit_exceeded`: send the event again without the session.
    case sessionFull
    /// The key was used before with another body (a retry that resolved another session): FullStory recorded the
    /// event then, so it counts as delivered. FullStory does not document this answer's status or code; any 400,
    /// 409 or 422 whose code or message speaks of the idempotency key is taken for it.
    case keyUsedWithAnotherBody
    /// The event itself was refused (400 and other 4xx): retrying cannot help.
    case rejected(status: Int, code: String?)
    /// Our credentials or configuration were refused (401, 403, 404): needs an operator.
    case refused(status: Int, code: String?)
    /// Worth another attempt (408, 425, 429, 5xx); `retryAfterSeconds` from the `Retry-After` header.
    case retryable(status: Int, retryAfterSeconds: Int?)

    public static func classify(status: Int, body: [UInt8], retryAfter: String?) -> FullStoryReply {
        switch status {
        case 200..<300:
            return .accepted
        case 408, 425, 429, 500...599:
            return .retryable(status: status, retryAfterSeconds: retryAfter.flatMap(parseRetryAfter))
        case 401, 403, 404:
            return .refused(status: status, code: errorCode(body))
        default:
            let code = errorCode(body)
            if status == 400 && code == "session_page_limit_exceeded" { return .sessionFull }
            if [400, 409, 422].contains(status), mentionsIdempotencyKey(body) { return .keyUsedWithAnotherBody }
            return .rejected(status: status, code: code)
        }
    }

    /// Whether the error's code or message names the idempotency key (read, never logged: the message may echo
    /// request data).
    static func mentionsIdempotencyKey(_ body: [UInt8]) -> Bool {
        guard let document = try? JSONDocument(parsing: body) else { return false }
        let marker = Array("idempoten".utf8)
        for field in ["code", "message"] {
            guard let text = document.root[field]?.stringBytes, text.count >= marker.count else { continue }
            let lowered = text.map(ASCII.lowercased)
            for start in 0...(lowered.count - marker.count) where lowered[start..<start + marker.count].elementsEqual(marker) {
                return true
            }
        }
        return false
    }

    /// FullStory's error body is `{"message": "...", "code": "snake_case"}`; only the code is kept (the
    /// message may echo request data).
    static func errorCode(_ body: [UInt8]) -> String? {
        guard let document = try? JSONDocument(parsing: body), let code = document.root["code"]?.string, errorCodeRule.accepts(code)
        else { return nil }
        return code
    }

    /// FullStory's codes are snake_case.
    static let errorCodeRule = IdentifierRule(lowercaseOnly: true, punctuation: "_", maximumLength: 64)

    /// `Retry-After` in seconds (FullStory's documented form), at most a day (so that no arithmetic on it can
    /// overflow); HTTP dates are not worth honouring within 5 s.
    static func parseRetryAfter(_ text: String) -> Int? {
        guard let seconds = Int(text.trimmingASCIIWhitespace()), seconds >= 0 else { return nil }
        return min(seconds, 86_400)
    }
}
