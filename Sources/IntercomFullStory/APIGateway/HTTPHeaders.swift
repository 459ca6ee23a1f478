/// Request headers, looked up case-insensitively (REST APIs keep the client's case, HTTP APIs lowercase it).
public struct HTTPHeaders: Sendable, Equatable {
    /// Names are stored lowercased, each with every value it arrived with.
    private var values: [String: [String]] = [:]

    public init() {}

    public init(_ pairs: [(String, String)]) {
        for (name, value) in pairs { add(name: name, value: value) }
    }

    public mutating func add(name: String, value: String) {
        values[name.lowercased(), default: []].append(value)
    }

    /// The one value of `name`; `nil` when absent. Several different values count as absent too, since we
    /// cannot tell which to trust.
    public subscript(name: String) -> String? {
        guard let all = values[name.lowercased()], let first = all.first else { return nil }
        return all.allSatisfy { $0 == first } ? first : nil
    }

    /// Every value of `name`, in arrival order.
    public func all(_ name: String) -> [String] { values[name.lowercased()] ?? [] }
}
