import IntercomFullStory

/// The command's options, as parsed.
public struct BackfillOptions: Sendable {
    /// How events are sent.
    public enum Via: String, Sendable, CaseIterable {
        /// Create Event up to 1,000 events, batch import beyond.
        case auto
        case createEvent = "create-event"
        case batch
    }

    public var since: String
    public var until: String?
    /// Empty means all three.
    public var topics: [BackfillTopic]
    public var dryRun: Bool
    public var statePath: String?
    public var yes: Bool
    public var via: Via
    public var pollMilliseconds: Int

    /// Above this many events, a run asks before sending (and goes through batch import by default).
    public static let confirmationThreshold = 1000

    public init(
        since: String, until: String?, topics: [BackfillTopic], dryRun: Bool, statePath: String?, yes: Bool, via: Via,
        pollMilliseconds: Int
    ) {
        self.since = since
        self.until = until
        self.topics = topics
        self.dryRun = dryRun
        self.statePath = statePath
        self.yes = yes
        self.via = via
        self.pollMilliseconds = pollMilliseconds
    }

    var topicSet: Set<BackfillTopic> { topics.isEmpty ? Set(BackfillTopic.allCases) : Set(topics) }
}
