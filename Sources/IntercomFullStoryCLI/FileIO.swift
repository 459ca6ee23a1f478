import FileContents
import IntercomFullStoryFunction

/// Standard output for the CLI, without Foundation (files are read with `FileContents`).
enum FileIO {
    /// Writes `bytes` and a newline to standard output.
    static func writeStandardOutput(_ bytes: [UInt8]) { FileDescriptor.writeAll(bytes + [0x0A], to: 1) }
}
