/// Intercom's `X-Hub-Signature: sha1=<40 lowercase hex>`: HMAC-SHA1 of the exact raw body, keyed by the app's
/// client secret.
public enum IntercomSignature {
    public static let headerName = "X-Hub-Signature"

    public enum Verdict: Equatable, Sendable {
        case valid
        case missing
        case malformed
        case unsupportedAlgorithm
        case mismatch

        /// A short reason for the 401 body and logs; never echoes the header value.
        public var reason: String {
            switch self {
            case .valid: "valid signature"
            case .missing: "missing X-Hub-Signature"
            case .malformed: "malformed X-Hub-Signature"
            case .unsupportedAlgorithm: "unsupported signature algorithm"
            case .mismatch: "signature does not match"
            }
        }
    }

    public static func verify(body: [UInt8], header: String?, secret: [UInt8]) -> Verdict {
        guard let key = HMACKey(secret) else { return .mismatch }
        return verify(body: body, header: header, key: key)
    }

    /// As above, with the key prepared once (what the handler uses for every webhook).
    public static func verify(body: [UInt8], header: String?, key: HMACKey) -> Verdict {
        guard let header else { return .missing }
        let bytes = Array(header.utf8)
        guard let equals = bytes.firstIndex(of: UInt8(ascii: "=")) else { return .malformed }
        guard bytes[..<equals].elementsEqual("sha1".utf8) else {
            return bytes[..<equals].allSatisfy(isAlphanumeric) && equals > 0 ? .unsupportedAlgorithm : .malformed
        }
        guard let expected = decodeLowercaseHex(bytes[(equals + 1)...]), expected.count == SHA1Digest.size else {
            return .malformed
        }
        guard let actual = key.authenticate(body) else { return .mismatch }
        return SHA1Digest.constantTimeEquals(actual, expected) ? .valid : .mismatch
    }

    /// The header value for `body`, as Intercom would send it (used by the `sign` command and tests).
    public static func sign(body: [UInt8], secret: [UInt8]) -> String {
        "sha1=" + Hex.lowercase(HMACKey(secret)?.authenticate(body) ?? [])
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func decodeLowercaseHex(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        guard text.count % 2 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(text.count / 2)
        var index = text.startIndex
        while index < text.endIndex {
            guard let high = Hex.lowercaseValue(text[index]), let low = Hex.lowercaseValue(text[index + 1]) else {
                return nil
            }
            output.append(high << 4 | low)
            index += 2
        }
        return output
    }
}
