#if canImport(Glibc)
import Glibc
#endif
import FileContents
import SystemClock

/// Progress on standard error: one line kept up to date on a terminal, a plain line every few seconds
/// otherwise (a log file, CI).
final class BackfillProgress {
    var conversationsRead = 0
    var conversationsTotal: Int?
    var eventsFound = 0
    var eventsToSend = 0
    var sent = 0
    var refused = 0
    var failed = 0

    private let live: Bool
    private var lastDraw: Int64 = 0
    private var sendingSince: Int64?
    private var wroteLiveLine = false

    private let time: TimeSource

    init(terminal: Bool = isatty(2) == 1, time: TimeSource = .system) {
        live = terminal
        self.time = time
    }

    /// A message of its own line (a wait, a retry), above the live line.
    func note(_ text: String) {
        clearLiveLine()
        FileDescriptor.writeAll(Array(("backfill: " + text + "\n").utf8), to: 2)
        lastDraw = 0
    }

    func startSending() { sendingSince = time.epochMilliseconds() }

    /// Draws when due: every 200 ms live, every 5 s otherwise.
    func update(force: Bool = false) {
        let now = time.epochMilliseconds()
        guard force || now - lastDraw >= (live ? 200 : 5000) else { return }
        lastDraw = now
        let line = "backfill: " + status(now: now)
        if live {
            FileDescriptor.writeAll(Array(("\r\u{1B}[2K" + line).utf8), to: 2)
            wroteLiveLine = true
        } else {
            FileDescriptor.writeAll(Array((line + "\n").utf8), to: 2)
        }
    }

    func finish() {
        update(force: true)
        if live, wroteLiveLine { FileDescriptor.writeAll([0x0A], to: 2) }
        wroteLiveLine = false
    }

    private func clearLiveLine() {
        if live, wroteLiveLine {
            FileDescriptor.writeAll(Array("\r\u{1B}[2K".utf8), to: 2)
            wroteLiveLine = false
        }
    }

    private func status(now: Int64) -> String {
        var parts = ["read \(conversationsRead)\(conversationsTotal.map { " of \($0)" } ?? "") conversations", "\(eventsFound) events"]
        if let since = sendingSince {
            let done = sent + refused + failed
            let seconds = Double(max(1, now - since)) / 1000
            let rate = Double(done) / seconds
            parts.append("sent \(sent) of \(eventsToSend)")
            if refused > 0 { parts.append("\(refused) refused") }
            if failed > 0 { parts.append("\(failed) failed") }
            parts.append("\(Int(rate.rounded()))/s")
            if rate > 0, done < eventsToSend {
                parts.append("about \(Int((Double(eventsToSend - done) / rate).rounded(.up))) s left")
            }
        } else if let total = conversationsTotal, total > 0, conversationsRead < total {
            parts.append("\(100 * conversationsRead / total)%")
        }
        return parts.joined(separator: ", ")
    }
}
