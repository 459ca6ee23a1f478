import CCrypto

/// SHA-1 and constant-time comparison from libcrypto (HMAC-SHA1 is `HMACKey`).
enum SHA1Digest {
    static let size = 20

    /// Fetched once: looking the algorithm up by name is most of the cost of a one-shot digest in OpenSSL 3.
    private static let sha1 = PreparedDigest(name: "SHA1")

    static func hash(_ message: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: size)
        message.withUnsafeBufferPointer { buffer in
            _ = EVP_Digest(buffer.baseAddress, buffer.count, &digest, nil, sha1.algorithm, nil)
        }
        return digest
    }

    /// Compares in time that depends only on the length, so a forger learns nothing from timing.
    static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return lhs.withUnsafeBufferPointer { left in
            rhs.withUnsafeBufferPointer { right in
                CRYPTO_memcmp(left.baseAddress, right.baseAddress, left.count) == 0
            }
        }
    }
}
