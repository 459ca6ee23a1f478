extension Redelivery {
    /// What one invocation did, for its log line and metrics.
    public struct Summary: Sendable, Equatable {
        public var records = 0
        public var delivered = 0
        /// FullStory refused the event itself (400…): logged, not retried.
        public var rejected = 0
        /// Reported failed: they come back later.
        public var failed = 0
        /// Not delivery messages: moved to the dead-letter queue, or reported failed for its redrive policy.
        public var notOurs = 0
        /// Moved to the dead-letter queue by the function (schedule over, or not ours).
        public var deadLettered = 0
        public var fullStoryAttempts = 0
        public var fullStoryMilliseconds: Double = 0
        public var fullStoryUnavailable = 0
        public var fullStoryRefusedCredentials = 0
        /// Queued pins written on their conversation.
        public var pinned = 0
        /// Queued pins whose write (or the read before it) failed for a time: Intercom unavailable.
        public var pinFailed = 0
        /// Queued pins whose write (or the read before it) Intercom refused for want of configuration.
        public var pinRefused = 0
        /// Queued pins not written: the conversation holds another pin (it wins), or is gone.
        public var pinsSkipped = 0
        /// What each record for a destination beside FullStory came to.
        public var destinations: [DestinationReport] = []
    }
}
