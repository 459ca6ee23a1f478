/// Why a byte sequence is not a JSON document we accept. `offset` is the byte position of the problem.
public struct JSONParseError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: String, Sendable {
        case empty = "empty input"
        case unexpectedByte = "unexpected character"
        case unexpectedEnd = "unexpected end of input"
        case invalidNumber = "invalid number"
        case invalidString = "invalid string"
        case tooDeep = "nesting too deep"
        case tooLarge = "document too large"
        case trailingData = "data after the document"
    }

    public let reason: Reason
    public let offset: Int

    public init(reason: Reason, offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    public var description: String { "\(reason.rawValue) at byte \(offset)" }
}
