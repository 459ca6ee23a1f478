import Logging
import SystemClock

/// What the Runtime API says about one invocation, and the logger to write about it with.
public struct LambdaContext: Sendable {
    public var requestID: String
    /// Deadline in milliseconds since the Unix epoch; `nil` when the Runtime API sent none.
    public var deadlineEpochMilliseconds: Int64?
    public var invokedFunctionARN: String?
    public var traceID: String?
    public var clientContext: String?
    public var cognitoIdentity: String?
    /// Tagged with `requestId` by the runtime loop; silent unless someone sets it.
    public var logger: Logger

    /// Discards everything: the logger of a context made outside the loop.
    public static let silentLogger = Logger(label: "lambda-context") { _ in SwiftLogNoOpLogHandler() }

    public init(
        requestID: String, deadlineEpochMilliseconds: Int64?, invokedFunctionARN: String? = nil, traceID: String? = nil,
        clientContext: String? = nil, cognitoIdentity: String? = nil, logger: Logger = LambdaContext.silentLogger
    ) {
        self.logger = logger
        self.requestID = requestID
        self.deadlineEpochMilliseconds = deadlineEpochMilliseconds
        self.invokedFunctionARN = invokedFunctionARN
        self.traceID = traceID
        self.clientContext = clientContext
        self.cognitoIdentity = cognitoIdentity
    }

    /// Milliseconds left before Lambda stops the invocation; `nil` without a deadline.
    public func remainingMilliseconds(now: Int64 = SystemClock.epochMilliseconds()) -> Int64? {
        deadlineEpochMilliseconds.map { $0 - now }
    }
}
