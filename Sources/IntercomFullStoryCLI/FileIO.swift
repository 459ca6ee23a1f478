#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import IntercomFullStoryFunction

/// The file operations the CLI needs, without Foundation.
enum FileIO {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func read(_ path: String) throws -> [UInt8] {
        guard let file = fopen(path, "rb") else {
            throw Failure(description: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count > 0 { bytes.append(contentsOf: chunk[0..<count]) }
            if count < chunk.count {
                if ferror(file) != 0 { throw Failure(description: "cannot read \(path)") }
                return bytes
            }
        }
    }

    /// Writes `bytes` and a newline to standard output.
    static func writeStandardOutput(_ bytes: [UInt8]) { FileDescriptor.writeAll(bytes + [0x0A], to: 1) }
}
