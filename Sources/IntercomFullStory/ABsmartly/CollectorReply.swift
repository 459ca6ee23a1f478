import ASCIIText
import FlatJSON

/// What an answer of the Collector's `PUT /context` means for delivery. Pure.
public enum CollectorReply: Sendable, Equatable {
    case published
    /// 400, 413, 422: the request itself was refused; `messages` are the Collector's `errors[].message`.
    case rejected(status: Int, messages: [String])
    /// 401, 403: the key, the application or the environment was refused; 404, 405 and any other answer: the URL
    /// is not the Collector's. An operator must act; the goal waits in the queue.
    case refused(status: Int)
    /// 408, 425, 429, 5xx: worth another try later.
    case retryable(status: Int, retryAfterSeconds: Int?)

    public static func classify(status: Int, body: [UInt8], retryAfter: String?) -> CollectorReply {
        switch status {
        case 200..<300: .published
        case 400, 413, 422: .rejected(status: status, messages: messages(body))
        case 408, 425, 429, 500...599: .retryable(status: status, retryAfterSeconds: retryAfter.flatMap(RetryAfter.seconds))
        default: .refused(status: status)
        }
    }

    /// `PublishResponse.errors[].message` (or `Error.message`): what the Collector says was wrong, at most three,
    /// each cut at 200 characters (they name the event and the field, not data; we send no personal data).
    static func messages(_ body: [UInt8]) -> [String] {
        guard let document = try? JSONDocument(parsing: body) else { return [] }
        let root = document.root
        var found: [String] = []
        if let errors = root["errors"], errors.kind == .array {
            for error in errors.elements {
                if let message = error["message"]?.string ?? error.string { found.append(message) }
                if found.count == 3 { break }
            }
        } else if let message = root["message"]?.string {
            found.append(message)
        }
        return found.map { String($0.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(200).map(Character.init)) }
    }
}
