#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Where the trusted CA certificates are: `SSL_CERT_FILE`, else Amazon Linux's bundle, else Debian's.
public enum CABundle {
    public static let candidates = ["/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/certs/ca-certificates.crt"]

    public static func locate(environment: (String) -> String?) -> String? {
        if let configured = environment("SSL_CERT_FILE"), !configured.isEmpty { return configured }
        return candidates.first { access($0, R_OK) == 0 }
    }
}
