#if canImport(Glibc)
import Glibc
#endif
import FileContents
import IntercomFullStory

/// The journal of `--state`, opened for appending: each record is one `write` of one line (O_APPEND), so a
/// run killed at any moment leaves whole lines behind, the last one perhaps cut short (and ignored).
final class StateFile {
    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    let path: String
    private let descriptor: Int32

    /// The records already in the file (none for a new one), and the file ready for appending; `nil` when not
    /// `writable` (a dry run, which reads a state file but neither makes nor changes one).
    static func open(_ path: String, writable: Bool) throws(Problem) -> (StateFile?, [BackfillJournal.Record]) {
        var records: [BackfillJournal.Record] = []
        if access(path, F_OK) == 0 {
            let contents: [UInt8]
            do {
                contents = try FileContents.read(path)
            } catch {
                throw Problem(description: "--state \(path) cannot be read: \(error)")
            }
            do {
                records = try BackfillJournal.records(contents)
            } catch {
                throw Problem(description: "--state \(path) \(error)")
            }
        }
        guard writable else { return (nil, records) }
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw Problem(description: "--state \(path) cannot be written: \(String(cString: strerror(errno)))")
        }
        return (StateFile(path: path, descriptor: descriptor), records)
    }

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    func append(_ record: BackfillJournal.Record) {
        let line = BackfillJournal.line(record)
        line.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
                if written < 0, errno == EINTR { continue }
                if written <= 0 { return }
                offset += written
            }
        }
    }

    /// On disk before the step that depends on it (a batch job, the end of the read).
    func flush() { fsync(descriptor) }
}
