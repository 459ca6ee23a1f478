/// A request's own id, for its log line and the event's `requestContext.requestId`: 128 random bits in UUID form.
enum RequestID {
    static func next() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        let hex = Array((hex(high, 16) + hex(low, 16)).utf8)
        var text = ""
        for (index, byte) in hex.enumerated() {
            if [8, 12, 16, 20].contains(index) { text.append("-") }
            text.append(Character(Unicode.Scalar(byte)))
        }
        return text
    }

    private static func hex(_ value: UInt64, _ digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: digits - text.count) + text
    }
}
