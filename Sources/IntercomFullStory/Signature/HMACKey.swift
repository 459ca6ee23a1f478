import CCrypto

/// An HMAC-SHA1 key prepared once (libcrypto's EVP_MAC with the key already set), so each webhook costs one
/// context copy instead of OpenSSL 3's algorithm look-ups and key set-up per call.
public final class HMACKey: @unchecked Sendable {
    // The template is only ever read (copied) after init, which libcrypto allows from any thread.
    private let template: OpaquePointer

    public init?(_ key: [UInt8]) {
        guard let mac = EVP_MAC_fetch(nil, "HMAC", nil) else { return nil }
        defer { EVP_MAC_free(mac) }
        guard let context = EVP_MAC_CTX_new(mac) else { return nil }
        var digestName = Array("SHA1".utf8CString)
        let initialised = digestName.withUnsafeMutableBufferPointer { name in
            "digest".withCString { parameterName in
                var parameters = [
                    OSSL_PARAM_construct_utf8_string(parameterName, name.baseAddress, 0), OSSL_PARAM_construct_end(),
                ]
                // libcrypto wants a real pointer even for an empty key.
                let nonEmptyKey = key.isEmpty ? [0] : key
                return nonEmptyKey.withUnsafeBufferPointer { keyBuffer in
                    EVP_MAC_init(context, keyBuffer.baseAddress, key.count, &parameters)
                }
            }
        }
        guard initialised == 1 else {
            EVP_MAC_CTX_free(context)
            return nil
        }
        template = context
    }

    deinit {
        EVP_MAC_CTX_free(template)
    }

    /// HMAC-SHA1 of `message`; `nil` only if libcrypto fails.
    public func authenticate(_ message: [UInt8]) -> [UInt8]? {
        guard let context = EVP_MAC_CTX_dup(template) else { return nil }
        defer { EVP_MAC_CTX_free(context) }
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length = 0
        let finished = message.withUnsafeBufferPointer { buffer -> Bool in
            if let base = buffer.baseAddress, EVP_MAC_update(context, base, buffer.count) != 1 { return false }
            return EVP_MAC_final(context, &digest, &length, digest.count) == 1
        }
        guard finished else { return nil }
        return Array(digest.prefix(length))
    }
}
