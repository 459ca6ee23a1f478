import FlatJSON
import ISO8601Format

/// A session from FullStory's List Sessions (`GET /sessions/v2?uid=…&limit=…`): `{"sessions": [{"userId",
/// "sessionId", "createdTime", "fsUrl"}]}`. The schema says int64 for the ids and `createdTime` (Unix seconds)
/// while the documented example has strings: both are read. Pure.
public struct ListedSession: Sendable, Equatable {
    public var id: FullStorySessionID
    /// Unix seconds when the session began.
    public var createdAt: Int
    /// The replay link FullStory gives, when it is one for this session.
    public var replayURL: String?

    public init(id: FullStorySessionID, createdAt: Int, replayURL: String?) {
        self.id = id
        self.createdAt = createdAt
        self.replayURL = replayURL
    }

    /// The newest readable session of a List Sessions answer; `nil` when the body lists none (or is not one).
    public static func newest(inListSessionsJSON body: [UInt8]) -> ListedSession? {
        guard let document = try? JSONDocument(parsing: body), let sessions = document.root["sessions"] else { return nil }
        var newest: ListedSession?
        for element in sessions.elements {
            guard let session = ListedSession(element) else { continue }
            if newest.map({ session.createdAt > $0.createdAt }) ?? true { newest = session }
        }
        return newest
    }

    init?(_ value: JSONValue) {
        guard let user = value["userId"]?.identifier, let session = value["sessionId"]?.identifier,
            let id = FullStorySessionID(parsing: user + ":" + session),
            let created = value["createdTime"]?.unixTimestamp ?? Self.milliseconds(value["createdTime"])
        else { return nil }
        self.id = id
        createdAt = created
        replayURL = SessionReplayURL.link(value["fsUrl"]?.string, to: id)
    }

    /// `createdTime` in milliseconds (not documented, but a number too large for seconds can only be that).
    private static func milliseconds(_ value: JSONValue?) -> Int? {
        guard let value, let number = value.int ?? value.string.flatMap({ Int($0) }), number > 0,
            number / 1000 <= ISO8601.latestFourDigitYearSecond
        else { return nil }
        return number / 1000
    }
}
