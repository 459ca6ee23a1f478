#if canImport(Glibc)
import Glibc
#endif
import CurlHTTP
import Testing

/// CI runs the end-to-end and SQS tests a second time with libcurl 8 loaded through LD_LIBRARY_PATH, and says
/// which major version it expects (EXPECT_LIBCURL_MAJOR): this checks that the run really loaded it.
@Suite struct CurlVersionTests {
    @Test func theLoadedLibcurlIsTheOneExpected() throws {
        let version = CurlVersion.loaded
        #expect(version.split(separator: ".").count >= 2, "\(version)")
        if let expected = getenv("EXPECT_LIBCURL_MAJOR").map({ String(cString: $0) }) {
            #expect(version.hasPrefix(expected + "."), "loaded libcurl \(version), expected \(expected).x")
        }
    }
}
