/// A custom property value. v2 infers types from JSON values, and every JSON number as `real`, so integers
/// are also declared `int` in the request's `schema`.
public enum EventPropertyValue: Sendable, Equatable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case strings([String])
}

public struct EventProperty: Sendable, Equatable {
    public var name: String
    public var value: EventPropertyValue

    public init(_ name: String, _ value: EventPropertyValue) {
        self.name = name
        self.value = value
    }
}
