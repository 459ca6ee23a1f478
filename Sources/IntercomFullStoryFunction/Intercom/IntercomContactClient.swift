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
                    method: "GET", url: baseURL + "/contacts/" + Self.percentEncoded(contactID),
                    headers: [
                        ("Authorization", authorization), ("Accept", "application/json"), ("Intercom-Version", "2.14"),
                    ],
                    connectTimeoutMilliseconds: min(timeout, 1000), totalTimeoutMilliseconds: timeout,
                    maximumResponseSize: 256 * 1024))
        } catch {
            throw .transport(error)
        }
        guard response.status == 200 else { throw .status(response.status) }
        return ContactSessionAttribute.value(inContactJSON: response.body, attribute: attribute)
    }

    /// Contact ids are hex, but nothing from a payload goes into a URL unencoded.
    static func percentEncoded(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                output.append(byte)
            default:
                output.append(UInt8(ascii: "%"))
                output.append(upperHexDigit(byte >> 4))
                output.append(upperHexDigit(byte & 0x0F))
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func upperHexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "A") + nibble - 10
    }
}
