/// Request headers, looked up case-insensitively (REST APIs keep the client's case, HTTP APIs lowercase it).
/// A list rather than a dictionary: requests carry a dozen headers, and a scan beats hashing them.
public struct HTTPHeaders: Sendable, Equatable {
    /// Names lowercased, in arrival order.
    private var entries: [(name: String, value: String)] = []

    public init() {}

    public init(_ pairs: [(String, String)]) {
        for (name, value) in pairs { add(name: name, value: value) }
    }

    public mutating func add(name: String, value: String) {
        entries.append((Self.lowercasedASCII(name), value))
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
        let wanted = Self.lowercasedASCII(name)
        return entries.compactMap { $0.name == wanted ? $0.value : nil }
    }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.entries.map(\.name) == rhs.entries.map(\.name) && lhs.entries.map(\.value) == rhs.entries.map(\.value)
    }

    /// Header names are ASCII; skip the Unicode machinery (and the copy) when already lowercase.
    static func lowercasedASCII(_ name: String) -> String {
        guard name.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else { return name }
        return String(decoding: name.utf8.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 + 32 : $0 }, as: UTF8.self)
    }
}
