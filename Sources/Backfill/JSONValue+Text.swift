import FlatJSON

extension JSONValue {
    /// A non-empty string member's value.
    var nonEmptyText: String? { string.flatMap { $0.isEmpty ? nil : $0 } }
}
