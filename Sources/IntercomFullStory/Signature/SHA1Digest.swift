import CCrypto

/// HMAC-SHA1 and SHA-1 from libcrypto.
enum SHA1Digest {
    static let size = 20

    static func hmac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        // libcrypto wants real pointers even for empty inputs; a one-byte array provides them.
        let nonEmptyKey = key.isEmpty ? [0] : key
        let nonEmptyMessage = message.isEmpty ? [0] : message
        nonEmptyKey.withUnsafeBufferPointer { keyBuffer in
            nonEmptyMessage.withUnsafeBufferPointer { messageBuffer in
                _ = HMAC(
                    EVP_sha1(), keyBuffer.baseAddress, Int32(key.count), messageBuffer.baseAddress, message.count,
                    &digest, &length)
            }
        }
        return Array(digest.prefix(Int(length)))
    }

    static func hash(_ message: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: size)
        message.withUnsafeBufferPointer { buffer in
            _ = SHA1(buffer.baseAddress, buffer.count, &digest)
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
