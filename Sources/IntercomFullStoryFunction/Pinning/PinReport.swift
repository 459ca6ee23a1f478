import IntercomFullStory

/// What pinning did for one opened conversation (webhook) or queued pin (redelivery), for the answer, the
/// metrics and the log line.
public struct PinReport: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        /// The conversation already held a session (its payload, or on Intercom's retry, a read of it).
        case alreadyPinned
        /// No session to pin: `reason` says why (no external_id, not the Messenger, too old…).
        case noSession(reason: String)
        case pinned
        /// Not written now; the pin message went to the delivery queue.
        case queued(messageID: String, reason: PinMessage.Reason)
        /// Not written and not queued: the webhook answers 503 so that Intercom retries. `tried`: a write was made.
        case failed(reason: String, tried: Bool)
        /// Intercom refused the write for a reason only an operator can fix: not retried.
        case refused(cause: String)
        /// The conversation was deleted before the write.
        case conversationGone
    }

    public var outcome: Outcome
    /// Where the session came from, when one was found.
    public var source: SessionLink.Source?
    /// Whether List Sessions was called.
    public var listedSessions = false

    public init(outcome: Outcome, source: SessionLink.Source? = nil, listedSessions: Bool = false) {
        self.outcome = outcome
        self.source = source
        self.listedSessions = listedSessions
    }

    /// A write was tried and failed for a time (`PinFailed`): Intercom unavailable.
    public var writeFailed: Bool {
        switch outcome {
        case .failed(_, let tried): tried
        case .queued(_, let reason): reason == .intercomUnavailable
        default: false
        }
    }

    /// Intercom refused the read or the write for want of configuration (`PinRefused`).
    public var refused: Bool {
        if case .refused = outcome { true } else { false }
    }

    /// A short label for the log line.
    public var label: String {
        switch outcome {
        case .alreadyPinned: "already_pinned"
        case .noSession: "no_session"
        case .pinned: "pinned"
        case .queued: "queued"
        case .failed: "failed"
        case .refused: "refused"
        case .conversationGone: "conversation_gone"
        }
    }
}
