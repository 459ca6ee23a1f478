#if canImport(Glibc)
import Glibc
#endif

/// A certificate authority made at test time with the openssl command, and server certificates it signs for
/// 127.0.0.1 and localhost; plus a second authority nobody trusts, for refusals. Made once per test process.
public struct TestCertificates: Sendable {
    /// A PEM certificate chain and its private key, for a server.
    public struct Identity: Sendable {
        public var certificatePath: String
        public var keyPath: String
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The trusted authority's certificate: what `SSL_CERT_FILE` points at.
    public let authorityPath: String
    /// Signed by the trusted authority.
    public let trusted: Identity
    /// Signed by an authority outside `authorityPath`.
    public let untrusted: Identity

    public static let shared: Result<TestCertificates, Failure> = {
        do {
            return .success(try TestCertificates(directory: "/tmp/intercom-fullstory-tls-\(getpid())"))
        } catch let error as Failure {
            return .failure(error)
        } catch {
            return .failure(Failure(description: "\(error)"))
        }
    }()

    public static func make() throws -> TestCertificates { try shared.get() }

    private init(directory: String) throws {
        mkdir(directory, 0o700)
        func openssl(_ arguments: [String]) throws {
            let log = directory + "/openssl.log"
            let process = try ChildProcess(
                executable: "/usr/bin/openssl", arguments: arguments, environment: ["PATH": "/usr/bin:/bin"], outputPath: log)
            guard process.waitForExit(timeoutMilliseconds: 30_000) == 0 else {
                process.terminate()
                throw Failure(description: "openssl \(arguments.first ?? "") failed: \(readFile(log))")
            }
        }
        func authority(_ name: String) throws -> (certificate: String, key: String) {
            let certificate = "\(directory)/\(name)-ca.pem"
            let key = "\(directory)/\(name)-ca.key"
            try openssl([
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                "-subj", "/CN=intercom-fullstory test CA \(name)", "-keyout", key, "-out", certificate,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ])
            return (certificate, key)
        }
        func server(_ name: String, signedBy ca: (certificate: String, key: String)) throws -> Identity {
            let key = "\(directory)/\(name).key"
            let request = "\(directory)/\(name).csr"
            let certificate = "\(directory)/\(name).pem"
            let extensions = "\(directory)/\(name).ext"
            try openssl([
                "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", request,
            ])
            let text = "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"
            guard let file = fopen(extensions, "w") else { throw Failure(description: "cannot write \(extensions)") }
            fputs(text, file)
            fclose(file)
            try openssl([
                "x509", "-req", "-in", request, "-CA", ca.certificate, "-CAkey", ca.key, "-CAcreateserial", "-days", "2",
                "-extfile", extensions, "-out", certificate,
            ])
            return Identity(certificatePath: certificate, keyPath: key)
        }
        let trustedCA = try authority("trusted")
        let otherCA = try authority("untrusted")
        authorityPath = trustedCA.certificate
        trusted = try server("server", signedBy: trustedCA)
        untrusted = try server("impostor", signedBy: otherCA)
    }
}
