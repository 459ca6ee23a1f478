import ASCIIText
import FlatJSON

/// What an answer of the Collector's `PUT /context` means for delivery. Pure.
public enum CollectorReply: Sendable, Equatable {
    /// A 2xx whose `PublishResponse` neither says `ok: false` nor lists errors (an empty or unreadable body too);
    /// `warnings` are its `warnings[].message`.
    case published(warnings: [String])
    /// 400, 413, 422, or a 2xx whose `PublishResponse` says `ok: false` or lists `errors`: the goal was refused for
    /// good; `messages` are the Collector's `errors[].message`.
    case rejected(status: Int, messages: [String])
    /// 401, 403: the key, the application or the environment was refused; 404, 405 and any other answer: the URL
    /// is not the Collector's. An operator must act; the goal waits in the queue.
    case refused(status: Int)
    /// 408, 425, 429, 5xx: worth another try later.
    case retryable(status: Int, retryAfterSeconds: Int?)

    public static func classify(status: Int, body: [UInt8], retryAfter: String?) -> CollectorReply {
        switch status {
        case 200..<300: published(status: status, body: body)
        case 400, 413, 422: .rejected(status: status, messages: messages(body))
        case 408, 425, 429, 500...599: .retryable(status: status, retryAfterSeconds: retryAfter.flatMap(RetryAfter.seconds))
        default: .refused(status: status)
        }
    }

    /// A 2xx's `PublishResponse` (`ok`, `errors`, `warnings`): the Collector may take the request and still refuse
    /// what is in it. What it says for a goal missing in the Web Console is not documented, so any error refuses.
    static func published(status: Int, body: [UInt8]) -> CollectorReply {
        guard let document = try? JSONDocument(parsing: body), document.root.kind == .object else { return .published(warnings: []) }
        let root = document.root
        let errors = listed(root["errors"])
        let anyError = root["errors"].map { $0.kind == .array && $0.count > 0 } ?? false
        if root["ok"]?.bool == false || anyError {
            let said = root["ok"]?.bool == false ? "the Collector answered ok: false" : "the Collector listed errors"
            return .rejected(status: status, messages: errors.isEmpty ? [said] : errors)
        }
        return .published(warnings: listed(root["warnings"]))
    }

    /// `PublishResponse.errors[].message` (or `Error.message`): what the Collector says was wrong.
    static func messages(_ body: [UInt8]) -> [String] {
        guard let document = try? JSONDocument(parsing: body) else { return [] }
        let root = document.root
        if let errors = root["errors"], errors.kind == .array { return listed(errors) }
        return root["message"]?.string.map { [cleaned($0)] } ?? []
    }

    /// The messages of a list of `{…, "message": …}` (or of strings), at most three, each cut at 200 characters
    /// (they name the event and the field, not data; we send no personal data).
    static func listed(_ list: JSONValue?) -> [String] {
        guard let list, list.kind == .array else { return [] }
        var found: [String] = []
        for entry in list.elements {
            if let message = entry["message"]?.string ?? entry.string { found.append(cleaned(message)) }
            if found.count == 3 { break }
        }
        return found
    }

    private static func cleaned(_ message: String) -> String {
        String(message.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(200).map(Character.init))
    }
}
