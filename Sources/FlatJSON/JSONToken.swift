/// One entry of the flat tape a `JSONDocument` is parsed into. Strings and numbers point at their bytes in the
/// source; containers record where they end on the tape so that a reader can skip them in one step.
@usableFromInline
struct JSONToken: Sendable {
    @usableFromInline
    enum Kind: UInt8, Sendable {
        case object, array, string, escapedString, number, `true`, `false`, null
    }

    @usableFromInline var kind: Kind
    /// Strings: first byte after the opening quote. Numbers: first byte. Containers: unused.
    @usableFromInline var start: UInt32
    /// Strings: the closing quote. Numbers: one past the last byte. Containers: index of the next token after
    /// the container's last descendant.
    @usableFromInline var end: UInt32
    /// Containers: number of elements (arrays) or members (objects).
    @usableFromInline var count: UInt32
}
