extension Redelivery {
    /// What one invocation did, for its log line and metrics.
    public struct Summary: Sendable, Equatable {
        public var records = 0
        /// Reported failed: they come back later.
        public var failed = 0
        /// Not delivery messages: moved to the dead-letter queue, or reported failed for its redrive policy.
        public var notOurs = 0
        /// Moved to the dead-letter queue by the function (schedule over, or not ours).
        public var deadLettered = 0
        /// Queued pins written on their conversation.
        public var pinned = 0
        /// Queued pins whose write (or the read before it) failed for a time: Intercom unavailable.
        public var pinFailed = 0
        /// Queued pins whose write (or the read before it) Intercom refused for want of configuration.
        public var pinRefused = 0
        /// Queued pins not written: the conversation holds another pin (it wins), or is gone.
        public var pinsSkipped = 0
        /// What each record sent to a destination came to.
        public var destinations: [DestinationReport] = []

        // FullStory's records, as the log line counts them.

        /// FullStory's records delivered.
        public var delivered: Int { fullStory.filter { $0.outcome == .delivered }.count }
        /// FullStory refused the event itself (400…): logged, not retried.
        public var rejected: Int { fullStory.filter { if case .rejected = $0.outcome { true } else { false } }.count }
        public var fullStoryAttempts: Int { fullStory.reduce(0) { $0 + $1.attempts } }
        public var fullStoryUnavailable: Int { fullStory.filter(\.unavailable).count }
        public var fullStoryRefusedCredentials: Int { fullStory.filter(\.refusedCredentials).count }

        private var fullStory: [DestinationReport] { destinations.filter { $0.destination == .fullStory } }
    }
}
