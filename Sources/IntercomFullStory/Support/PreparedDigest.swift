import CCrypto

/// A digest algorithm fetched from libcrypto once; immutable afterwards, so shared across threads.
final class PreparedDigest: @unchecked Sendable {
    let algorithm: OpaquePointer?

    init(name: String) {
        algorithm = EVP_MD_fetch(nil, name, nil)
    }

    deinit {
        EVP_MD_free(algorithm)
    }
}
