import ASCIIText
import Budget
import CurlHTTP
import IntercomFullStory

/// Looks up a contact (`GET /contacts/{id}`) to read the session attribute the browser stored on it.
public final class IntercomContactClient {
    private let api: IntercomAPI

    public init(api: IntercomAPI) {
        self.api = api
    }

    public convenience init(baseURL: String, accessToken: String, http: HTTPClient) {
        self.init(api: IntercomAPI(baseURL: baseURL, accessToken: accessToken, http: http))
    }

    /// The attribute's value on the contact (`nil` when the contact has none), within `budget`: the webhook's
    /// lookup share (`TimeBudget.lookupShare`).
    public func sessionAttribute(contactID: String, attribute: String, budget: TimeBudget) throws(LookupError) -> String? {
        guard let timeout = budget.timeout(cappedAt: TimeBudget.contactLookupMilliseconds) else { throw .noTime }
        let response: HTTPResponse
        do {
            response = try api.perform("GET", "/contacts/" + PercentEncoding.encoded(contactID), timeoutMilliseconds: timeout)
        } catch {
            throw .transport(error)
        }
        guard response.status == 200 else { throw .status(response.status) }
        return ContactSessionAttribute.value(inContactJSON: response.body, attribute: attribute)
    }
}
