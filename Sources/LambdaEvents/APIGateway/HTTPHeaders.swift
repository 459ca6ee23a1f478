import ASCIIText
import FlatJSON

/// Request headers, looked up case-insensitively (REST APIs keep the client's case, HTTP APIs lowercase it).
/// Headers from an API Gateway event stay in the event's JSON until one is asked for: a webhook reads one
/// header of the dozen it carries, so nothing is copied up front.
public struct HTTPHeaders: Sendable {
    /// From the event: `multiValueHeaders` (name → [values]) and `headers` (name → value).
    private let multiValueObject: JSONValue?
    private let singleValueObject: JSONValue?

    /// Headers as API Gateway delivers them; where both objects name a header, the multi-value one wins.
    init(multiValueHeaders: JSONValue?, headers: JSONValue?) {
        multiValueObject = multiValueHeaders.flatMap { $0.kind == .object ? $0 : nil }
        singleValueObject = headers.flatMap { $0.kind == .object ? $0 : nil }
    }

    /// The one value of `name`; `nil` when absent. Several different values count as absent too, since we
    /// cannot tell which to trust.
    public subscript(name: String) -> String? {
        let values = all(name)
        guard let first = values.first else { return nil }
        return values.allSatisfy { $0 == first } ? first : nil
    }

    /// Every value of `name`, in arrival order.
    public func all(_ name: String) -> [String] {
        let wanted = ASCII.lowercased(name)
        var values: [String] = []
        // Names are compared in the event's bytes: no String for the dozen headers not asked for.
        if let multiValueObject {
            for (key, list) in multiValueObject.members.withKeyValues where key.isString(equalToLowercasedASCII: wanted) {
                values += list.elements.compactMap(\.string)
            }
        }
        if values.isEmpty, let singleValueObject {
            for (key, value) in singleValueObject.members.withKeyValues where key.isString(equalToLowercasedASCII: wanted) {
                if let text = value.string { values.append(text) }
            }
        }
        return values
    }
}
