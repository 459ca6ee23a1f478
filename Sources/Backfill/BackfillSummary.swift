import FlatJSON
import ISO8601Format
import IntercomFullStory

/// The JSON document printed on standard output when a run ends.
struct BackfillSummary {
    var window: BackfillWindow
    var topics: [String]
    var dryRun: Bool
    var via: String?
    var conversationsRead = 0
    var eventsByName: [String: Int] = [:]
    var toSend = 0
    var alreadySent = 0
    var sent = 0
    var refused = 0
    var failed = 0
    /// Events of a FAILED batch job that neither its imports nor its errors named.
    var unconfirmed = 0
    /// Events sent again through Create Event after a FAILED batch job left them unconfirmed.
    var possiblyDuplicated = 0
    var skipped: [String: Int] = [:]
    var interrupted = false
    var seconds: Double = 0

    func json() -> [UInt8] {
        var writer = JSONWriter(capacity: 512)
        writer.beginObject()
        writer.key("window")
        writer.beginObject()
        writer.member("since", ISO8601.format(unixSeconds: window.since))
        writer.member("until", ISO8601.format(unixSeconds: window.until))
        writer.endObject()
        writer.key("topics")
        writer.beginArray()
        for topic in topics { writer.string(topic) }
        writer.endArray()
        writer.member("dry_run", dryRun)
        if let via { writer.member("via", via) }
        writer.member("conversations_read", conversationsRead)
        writer.key("events")
        writer.beginObject()
        for (name, count) in eventsByName.sorted(by: { $0.key < $1.key }) { writer.member(name, count) }
        writer.endObject()
        writer.member("to_send", toSend)
        writer.member("already_sent", alreadySent)
        writer.member("sent", sent)
        writer.member("refused", refused)
        writer.member("failed", failed)
        writer.member("unconfirmed", unconfirmed)
        writer.member("possibly_duplicated", possiblyDuplicated)
        writer.key("skipped")
        writer.beginObject()
        for (reason, count) in skipped.sorted(by: { $0.key < $1.key }) { writer.member(reason, count) }
        writer.endObject()
        if interrupted { writer.member("interrupted", true) }
        writer.key("duration_seconds")
        writer.raw(Array(String(Double(Int(seconds * 1000)) / 1000).utf8))
        writer.endObject()
        return writer.bytes
    }
}
