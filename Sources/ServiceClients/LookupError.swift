import CurlHTTP

/// Why a read that only improves an event (the contact lookup, List Sessions, a conversation's pin) gave nothing.
/// Never fails a delivery: the caller goes on without it.
public enum LookupError: Error, Equatable, Sendable, CustomStringConvertible {
    case status(Int)
    case transport(HTTPClientError)
    case noTime

    public var description: String {
        switch self {
        case .status(let status): "answered \(status)"
        case .transport(let error): "\(error)"
        case .noTime: "no time left in the delivery budget"
        }
    }
}
