import SwiftRuntimeStartup
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The argv capture that stands in for the Swift runtime's /proc/self/maps scan (Sources/SwiftRuntimeStartup).
@Suite(.serialized) struct CommandLineArgumentsTests {
    private static func arguments() throws -> [String] {
        var count: Int32 = -1
        let argv = try #require(_swift_stdlib_getUnsafeArgvArgc(&count))
        return try (0..<Int(count)).map { String(cString: try #require(argv[$0])) }
    }

    @Test func capturesTheProcessArgumentsAtStart() throws {
        let captured = try Self.arguments()
        #expect(!captured.isEmpty)
        #expect(captured == CommandLine.arguments)
    }

    @Test func anOverrideWinsUntilCleared() throws {
        let before = try Self.arguments()
        let strings: [UnsafeMutablePointer<CChar>?] = [strdup("first"), strdup("second")]
        defer { strings.forEach { free($0) } }
        var argv = strings + [nil]
        let during: [String] = try argv.withUnsafeMutableBufferPointer { buffer in
            _swift_stdlib_overrideUnsafeArgvArgc(buffer.baseAddress, 2)
            defer { _swift_stdlib_overrideUnsafeArgvArgc(nil, 0) }
            return try Self.arguments()
        }
        #expect(during == ["first", "second"])
        #expect(try Self.arguments() == before)
    }
}
