import ASCIIText
import Budget
import CurlHTTP
import FlatJSON
import IntercomFullStory

/// The conversation calls of session pinning: read the attribute a conversation already holds (`GET
/// /conversations/{id}`, on Intercom's retry of a webhook) and write it (`PUT /conversations/{id}`).
public final class IntercomConversationClient {
    /// How a write ended.
    public enum Write: Sendable, Equatable {
        case written
        /// Worth another try later: 408, 429, 5xx, a timeout or a dropped connection.
        case unavailable(reason: String)
        /// A retry cannot help until the configuration changes; `cause` names it for logs (status and code).
        case refused(cause: String, fix: String)
        /// The conversation no longer exists.
        case conversationGone
    }

    private let api: IntercomAPI

    public init(api: IntercomAPI) {
        self.api = api
    }

    /// The conversation's attribute (`custom_attributes.<name>`), `nil` when it has none.
    public func attribute(_ name: String, conversationID: String, budget: TimeBudget) throws(LookupError) -> String? {
        guard let timeout = budget.timeout(cappedAt: TimeBudget.contactLookupMilliseconds) else { throw .noTime }
        let response: HTTPResponse
        do {
            response = try api.perform("GET", Self.path(conversationID), timeoutMilliseconds: timeout, maximumResponseSize: 4 << 20)
        } catch {
            throw .transport(error)
        }
        guard response.status == 200 else { throw .status(response.status) }
        guard let document = try? JSONDocument(parsing: response.body) else { return nil }
        return document.root["custom_attributes"]?[name]?.string.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Sets the attribute to `value` within `timeoutMilliseconds`.
    public func write(_ name: String, value: String, conversationID: String, timeoutMilliseconds: Int) -> Write {
        let response: HTTPResponse
        do {
            response = try api.perform(
                "PUT", Self.path(conversationID), body: ConversationUpdate.body(attribute: name, value: value),
                timeoutMilliseconds: timeoutMilliseconds, maximumResponseSize: 4 << 20)
        } catch {
            return .unavailable(reason: "Intercom \(error)")
        }
        switch ConversationUpdate.classify(status: response.status, body: response.body, retryAfter: response.header("Retry-After"), attribute: name) {
        case .written: return .written
        case .retryable(let status, _): return .unavailable(reason: "Intercom answered \(status)")
        case .refused(let status, let code, let fix): return .refused(cause: "Intercom answered \(status) \(code ?? "without a code")", fix: fix)
        case .conversationNotFound: return .conversationGone
        }
    }

    static func path(_ conversationID: String) -> String { "/conversations/" + PercentEncoding.encoded(conversationID) }
}
