import CCurl

/// A blocking HTTP client over one long-lived libcurl easy handle. Keep one per destination: the handle keeps
/// the connection (and TLS session) alive between requests, which is what makes warm invocations cheap.
/// Not thread-safe; Lambda runs one invocation at a time.
public final class HTTPClient {
    public struct Options: Sendable {
        /// Ignore `http_proxy` and friends (the Runtime API is on loopback).
        public var disableProxies: Bool
        /// Force HTTP/1.1 (the Runtime API speaks nothing else).
        public var http11Only: Bool
        /// CA bundle for HTTPS; `nil` lets libcurl use its compiled-in default.
        public var caBundlePath: String?
        public var userAgent: String

        public init(disableProxies: Bool = false, http11Only: Bool = false, caBundlePath: String? = nil, userAgent: String) {
            self.disableProxies = disableProxies
            self.http11Only = http11Only
            self.caBundlePath = caBundlePath
            self.userAgent = userAgent
        }
    }

    private let easy: EasyHandle

    public init(options: Options) throws(HTTPClientError) {
        easy = try EasyHandle(options: options)
    }

    public func perform(_ request: HTTPRequest) throws(HTTPClientError) -> HTTPResponse {
        // The body is lent to libcurl for the transfer: no copy.
        let code: CURLcode = try request.body.withUnsafeBufferPointer { (body) throws(HTTPClientError) in
            try easy.prepare(request, lending: body)
            return curl_easy_perform(easy.handle)
        }
        return try easy.finish(code)
    }

    /// The header lines of the last response as far as they came, also when `perform` threw (a body over
    /// `maximumResponseSize` aborts the transfer after its headers): the Runtime API's request id is needed to
    /// answer an invocation whose event could not be taken.
    public var lastResponseHeaders: HTTPResponse { HTTPResponse(status: 0, headerBlock: easy.state.headerBlock, body: []) }
}
