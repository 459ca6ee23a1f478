import ASCIIText
import Base64Format
import CCrypto

/// A unit's uid as ABsmartly's SDKs publish it (with `hashed: true`): base64url without padding of MD5 over the
/// trimmed uid's UTF-8 bytes, 22 characters. The goal then lands on the very unit the website's exposures used, and
/// the plain id never leaves the function.
public enum ABsmartlyUnit {
    private static let md5 = PreparedDigest(name: "MD5")

    /// `nil` for a blank uid: a goal without its unit counts for nobody.
    public static func hashed(_ uid: String) -> String? {
        let trimmed = uid.trimmingASCIIWhitespace()
        guard !trimmed.isEmpty else { return nil }
        var digest = [UInt8](repeating: 0, count: 16)
        let bytes = Array(trimmed.utf8)
        let ok = bytes.withUnsafeBufferPointer { buffer in
            EVP_Digest(buffer.baseAddress, buffer.count, &digest, nil, md5.algorithm, nil)
        }
        guard ok == 1 else { return nil }
        var encoded: [UInt8] = []
        encoded.reserveCapacity(22)
        for byte in Base64.encode(digest).utf8 {
            switch byte {
            case UInt8(ascii: "+"): encoded.append(UInt8(ascii: "-"))
            case UInt8(ascii: "/"): encoded.append(UInt8(ascii: "_"))
            case UInt8(ascii: "="): continue
            default: encoded.append(byte)
            }
        }
        return String(decoding: encoded, as: UTF8.self)
    }

    /// What a hashed uid looks like (a queue message's is checked against it).
    public static let hashedRule = IdentifierRule(punctuation: "-_", maximumLength: 22)
}
