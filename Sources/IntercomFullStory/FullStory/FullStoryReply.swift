import ASCIIText
import FlatJSON

/// What an answer of `POST /v2/events` means for delivery. Pure: the HTTP client passes status and body in.
public enum FullStoryReply: Sendable, Equatable {
    case accepted
    /// 400 `session_page_limit_exceeded`: send the event again without the session.
    case sessionFull
    /// The key was used before with another body. FullStory does not document this answer's status or code: a 400,
    /// 409 or 422 whose code or message names the idempotency key and a body that differs (or its reuse) is taken
    /// for it. Only the caller knows whether that means "recorded earlier" (Intercom's retry of a webhook that
    /// resolved another session) or a real refusal.
    case keyUsedWithAnotherBody(status: Int, code: String?)
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
            return .retryable(status: status, retryAfterSeconds: retryAfter.flatMap(RetryAfter.seconds))
        case 401, 403, 404:
            return .refused(status: status, code: errorCode(body))
        default:
            let code = errorCode(body)
            if status == 400 && code == "session_page_limit_exceeded" { return .sessionFull }
            if [400, 409, 422].contains(status), let text = idempotencyError(body) {
                if ["body", "differ", "match", "reuse"].contains(where: { ASCII.contains(text, word: $0) }) {
                    return .keyUsedWithAnotherBody(status: status, code: code)
                }
                // The same key still in progress (a concurrent request): nothing was saved, so try again.
                if status == 409 { return .retryable(status: status, retryAfterSeconds: retryAfter.flatMap(RetryAfter.seconds)) }
            }
            return .rejected(status: status, code: code)
        }
    }

    /// The error's code and message, when one of them names the idempotency key (read, never logged:
    /// the message may echo request data).
    static func idempotencyError(_ body: [UInt8]) -> String? {
        guard let document = try? JSONDocument(parsing: body) else { return nil }
        let text = ["code", "message"].compactMap { document.root[$0]?.string }.joined(separator: " ")
        return ASCII.contains(text, word: "idempoten") ? text : nil
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
}
