/// One HTTP request for `HTTPClient`.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Milliseconds to establish the connection; 0 means libcurl's default.
    public var connectTimeoutMilliseconds: Int
    /// Milliseconds for the whole transfer; 0 means no limit (the Runtime API's `/next`).
    public var totalTimeoutMilliseconds: Int
    /// Largest response body accepted; a larger one fails the request.
    public var maximumResponseSize: Int
    /// Sign the request for AWS (SigV4); `nil` for everything else.
    public var awsSignature: AWSSigV4?

    public init(
        method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
        connectTimeoutMilliseconds: Int = 1000, totalTimeoutMilliseconds: Int = 0,
        maximumResponseSize: Int = 1 << 20, awsSignature: AWSSigV4? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
        self.totalTimeoutMilliseconds = totalTimeoutMilliseconds
        self.maximumResponseSize = maximumResponseSize
        self.awsSignature = awsSignature
    }

    /// A request whose whole transfer takes at most `timeoutMilliseconds`, the connection at most a second of it
    /// (a slow connect then leaves time for the answer): the calls made within a time budget.
    public init(
        method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [], timeoutMilliseconds: Int,
        maximumResponseSize: Int = 1 << 20, awsSignature: AWSSigV4? = nil
    ) {
        self.init(
            method: method, url: url, headers: headers, body: body, connectTimeoutMilliseconds: min(timeoutMilliseconds, 1000),
            totalTimeoutMilliseconds: timeoutMilliseconds, maximumResponseSize: maximumResponseSize, awsSignature: awsSignature)
    }
}
