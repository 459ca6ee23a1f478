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

    /// Upper bound of a lookup: the delivery must keep most of the budget.
    static let timeoutMilliseconds = 1500

    private let baseURL: String
    private let authorization: String
    private let http: HTTPClient

    public init(baseURL: String, accessToken: String, http: HTTPClient) {
        self.baseURL = baseURL
        authorization = "Bearer " + accessToken
        self.http = http
    }

    /// The attribute's value on the contact (`nil` when the contact has none).
    public func sessionAttribute(contactID: String, attribute: String, budget: DeliveryBudget) throws(LookupError)
        -> String?
    {
        // Keep at least half the budget for FullStory.
        let timeout = min(Self.timeoutMilliseconds, budget.remainingMilliseconds() / 2)
        guard timeout >= 100 else { throw .noTime }
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
