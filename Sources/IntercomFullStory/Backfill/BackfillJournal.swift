import FlatJSON
import ISO8601Format

/// The backfill's state file: one JSON object per line, appended as the run goes, so that an interruption
/// (Ctrl-C, SIGTERM, kill -9) loses at most the line being written, and a run with the same file carries on.
///
/// ```
/// {"type":"backfill","version":2,"since":"…","until":"…","since_option":"7d","topics":["conversation.admin.closed",…]}
/// {"type":"event","key":"…","request":{…Create Event body…}}        an event found while reading
/// {"type":"page","next":"WzE3…","conversations":150,"skipped":{"rating without a score":1}}
///                                                                    a page read (its events are above it)
/// {"type":"read","events":812,"conversations":2031}                  the window read to its end
/// {"type":"sent","key":"…"}                                          FullStory took it
/// {"type":"refused","key":"…","status":400,"code":"invalid_argument"} FullStory refused it: final
/// {"type":"job","id":"…","keys":["…",…]}                             a batch import job created
/// {"type":"job_done","id":"…","imports":50000,"errors":0,"status":"COMPLETED"}
///                                                                    a job ended: COMPLETED settles its events;
///                                                                    after FAILED only the `sent` and `refused`
///                                                                    lines settle them (files without a status
///                                                                    are from before: COMPLETED)
/// ```
public enum BackfillJournal {
    /// 2: `job_done` carries the job's status. Files of version 1 are read too (their jobs count as COMPLETED).
    public static let version = 2

    public struct Header: Sendable, Equatable {
        public var window: BackfillWindow
        public var topics: [String]
        /// The options as given: a relative `--since` (`7d`) and a default `--until` are resolved once, when the
        /// file is made, and the same options carry on with those times.
        public var sinceOption: String
        public var untilOption: String?

        public init(window: BackfillWindow, topics: Set<BackfillTopic>, sinceOption: String, untilOption: String?) {
            self.window = window
            self.topics = topics.map(\.rawValue).sorted()
            self.sinceOption = sinceOption
            self.untilOption = untilOption
        }
    }

    public enum Record: Sendable, Equatable {
        case header(Header)
        case event(FullStoryEvent)
        case page(next: String?, conversations: Int, skipped: [String: Int])
        case read(events: Int, conversations: Int)
        case sent(key: String)
        case refused(key: String, status: Int, code: String?)
        case job(id: String, keys: [String])
        case jobDone(id: String, imports: Int, errors: Int, status: String)
    }

    public static func line(_ record: Record) -> [UInt8] {
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        switch record {
        case .header(let header):
            writer.member("type", "backfill")
            writer.member("version", version)
            writer.member("since", ISO8601.format(unixSeconds: header.window.since))
            writer.member("until", ISO8601.format(unixSeconds: header.window.until))
            writer.member("since_option", header.sinceOption)
            if let until = header.untilOption { writer.member("until_option", until) }
            writer.key("topics")
            writer.beginArray()
            for topic in header.topics { writer.string(topic) }
            writer.endArray()
        case .event(let event):
            writer.member("type", "event")
            writer.member("key", event.idempotencyKey)
            writer.key("request")
            writer.raw(event.body())
        case .page(let next, let conversations, let skipped):
            writer.member("type", "page")
            writer.key("next")
            if let next { writer.string(next) } else { writer.null() }
            writer.member("conversations", conversations)
            writer.key("skipped")
            writer.beginObject()
            for (reason, count) in skipped.sorted(by: { $0.key < $1.key }) { writer.member(reason, count) }
            writer.endObject()
        case .read(let events, let conversations):
            writer.member("type", "read")
            writer.member("events", events)
            writer.member("conversations", conversations)
        case .sent(let key):
            writer.member("type", "sent")
            writer.member("key", key)
        case .refused(let key, let status, let code):
            writer.member("type", "refused")
            writer.member("key", key)
            writer.member("status", status)
            if let code { writer.member("code", code) }
        case .job(let id, let keys):
            writer.member("type", "job")
            writer.member("id", id)
            writer.key("keys")
            writer.beginArray()
            for key in keys { writer.string(key) }
            writer.endArray()
        case .jobDone(let id, let imports, let errors, let status):
            writer.member("type", "job_done")
            writer.member("id", id)
            writer.member("imports", imports)
            writer.member("errors", errors)
            writer.member("status", status)
        }
        writer.endObject()
        var bytes = writer.bytes
        writer = JSONWriter()
        bytes.append(0x0A)
        return bytes
    }

    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case notAStateFile
        case newerVersion(Int)
        case damaged(line: Int)

        public var description: String {
            switch self {
            case .notAStateFile: "is not a backfill state file"
            case .newerVersion(let version): "was written by a newer version (\(version)) of intercom-fullstory"
            case .damaged(let line): "is damaged at line \(line)"
            }
        }
    }

    /// The records of a state file's contents. A last line without its newline is what an interruption cut
    /// short, and is ignored; any other unreadable line is damage.
    public static func records(_ contents: [UInt8]) throws(Problem) -> [Record] {
        if let first = try? JSONDocument(parsing: Array(contents.prefix { $0 != 0x0A })).root,
            first["type"]?.isString("backfill") == true, let written = first["version"]?.int, written > version
        {
            throw .newerVersion(written)
        }
        var records: [Record] = []
        var lineStart = 0
        var number = 0
        while lineStart < contents.count {
            guard let newline = contents[lineStart...].firstIndex(of: 0x0A) else { break }
            number += 1
            let line = Array(contents[lineStart..<newline])
            lineStart = newline + 1
            guard let record = record(line) else {
                if number == 1 { throw .notAStateFile }
                throw .damaged(line: number)
            }
            if number == 1 {
                guard case .header = record else { throw .notAStateFile }
            }
            records.append(record)
        }
        if records.isEmpty, !contents.isEmpty { throw .notAStateFile }
        return records
    }

    static func record(_ line: [UInt8]) -> Record? {
        guard let root = try? JSONDocument(parsing: line).root, let type = root["type"]?.string else { return nil }
        switch type {
        case "backfill":
            guard let written = root["version"]?.int, (1...version).contains(written), let since = root["since"]?.string.flatMap(ISO8601.parse),
                let until = root["until"]?.string.flatMap(ISO8601.parse), let window = try? BackfillWindow(since: since, until: until),
                let topics = root["topics"]?.elements.compactMap(\.string), let sinceOption = root["since_option"]?.string
            else { return nil }
            return .header(Header(
                window: window, topics: Set(topics.compactMap(BackfillTopic.init(rawValue:))), sinceOption: sinceOption,
                untilOption: root["until_option"]?.string))
        case "event":
            guard let key = root["key"]?.string, let request = root["request"],
                let event = FullStoryEvent(decodingBody: request, idempotencyKey: key, sessionSource: nil)
            else { return nil }
            return .event(event)
        case "page":
            guard let conversations = root["conversations"]?.int else { return nil }
            var skipped: [String: Int] = [:]
            if let object = root["skipped"] {
                for (reason, count) in object.members { skipped[reason] = count.int ?? 0 }
            }
            return .page(next: root["next"]?.string, conversations: conversations, skipped: skipped)
        case "read":
            guard let events = root["events"]?.int, let conversations = root["conversations"]?.int else { return nil }
            return .read(events: events, conversations: conversations)
        case "sent":
            return root["key"]?.string.map { .sent(key: $0) }
        case "refused":
            guard let key = root["key"]?.string, let status = root["status"]?.int else { return nil }
            return .refused(key: key, status: status, code: root["code"]?.string)
        case "job":
            guard let id = root["id"]?.string, let keys = root["keys"]?.elements.compactMap(\.string) else { return nil }
            return .job(id: id, keys: keys)
        case "job_done":
            guard let id = root["id"]?.string, let imports = root["imports"]?.int, let errors = root["errors"]?.int else {
                return nil
            }
            return .jobDone(id: id, imports: imports, errors: errors, status: root["status"]?.string ?? "COMPLETED")
        default:
            return nil
        }
    }
}
