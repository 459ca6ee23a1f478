import CurlHTTP
import IntercomFullStory
import LambdaRuntime

/// Looks up a contact (`GET /contacts/{id}`) to read the session attribute the browser stored on it.
public final class IntercomContactClient {
    public enum LookupError: Error, Equatable, Sendable, CustomStringConvertible {
        case status(Int)
        case transport(HTTPClientError)
        case noTime

        public var description: String {
            switch self {
            case .status(let status): "Intercom answered \(status)"
            case .transport(let error): "Intercom \(error)"
            case .noTime: "no time left in the delivery budget"
            }
        }
    }

    /// The Intercom API version every call pins (it overrides the app's own).
    public static let apiVersion = "2.14"

    private let baseURL: String
    private let authorization: String
    private let http: HTTPClient

    public init(baseURL: String, accessToken: String, http: HTTPClient) {
        self.baseURL = baseURL
        authorization = "Bearer " + accessToken
        self.http = http
    }

    /// The attribute's value on the contact (`nil` when the contact has none).
    public func sessionAttribute(contactID: String, attribute: String, budget: TimeBudget) throws(LookupError)
        -> String?
    {
        // At most half of what is left: FullStory keeps the rest.
        guard let timeout = budget.timeout(cappedAt: TimeBudget.contactLookupMilliseconds, halfAtMost: true) else { throw .noTime }
        let response: HTTPResponse
        do {
            response = try http.perform(
                HTTPRequest(
                    method: "GET", url: baseURL + "/contacts/" + PercentEncoding.encoded(contactID),
                    headers: [
                        ("Authorization", authorization), ("Accept", "application/json"), ("Intercom-Version", Self.apiVersion),
                    ],
                    connectTimeoutMilliseconds: min(timeout, 1000), totalTimeoutMilliseconds: timeout,
                    maximumResponseSize: 256 * 1024))
        } catch {
            throw .transport(error)
        }
        guard response.status == 200 else { throw .status(response.status) }
        return ContactSessionAttribute.value(inContactJSON: response.body, attribute: attribute)
    }
}
