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

    private let handle: UnsafeMutableRawPointer
    private let options: Options
    /// "Name: value\0" of the header being added; kept between requests so that no line allocates.
    private var headerLine: [UInt8] = []

    public init(options: Options) throws(HTTPClientError) {
        guard curlGlobalInitialization == CURLE_OK else { throw .setup("curl_global_init failed") }
        guard let handle = curl_easy_init() else { throw .setup("curl_easy_init failed") }
        self.handle = handle
        self.options = options
    }

    deinit {
        curl_easy_cleanup(handle)
    }

    /// libcurl copies string options, so the String's own bytes are lent (no C-string copy is made).
    private func setString(_ option: CURLoption, _ value: String) {
        _ = value.withCString { ifs_curl_setopt_string(handle, option, $0) }
    }

    /// libcurl copies the line; it is assembled in `headerLine` instead of a new String per header.
    private func appendHeader(
        _ header: (name: String, value: String), to list: UnsafeMutablePointer<curl_slist>?
    ) -> UnsafeMutablePointer<curl_slist>? {
        headerLine.removeAll(keepingCapacity: true)
        headerLine.append(contentsOf: header.name.utf8)
        headerLine.append(contentsOf: ": ".utf8)
        headerLine.append(contentsOf: header.value.utf8)
        headerLine.append(0)
        return headerLine.withUnsafeBytes { line in
            curl_slist_append(list, line.baseAddress?.assumingMemoryBound(to: CChar.self))
        }
    }

    public func perform(_ request: HTTPRequest) throws(HTTPClientError) -> HTTPResponse {
        // Reset clears the options of the previous request but keeps its connections and caches.
        curl_easy_reset(handle)
        let state = TransferState(maximumBodySize: request.maximumResponseSize)
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        for header in request.headers {
            headerList = appendHeader(header, to: headerList)
        }
        // No `Expect: 100-continue` round trip; no chunked uploads.
        headerList = curl_slist_append(headerList, "Expect:")

        let code: CURLcode = request.body.withUnsafeBufferPointer { body in
            setString(CURLOPT_URL, request.url)
            ifs_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
            ifs_curl_setopt_long(handle, CURLOPT_TCP_NODELAY, 1)
            ifs_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0)
            ifs_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, request.connectTimeoutMilliseconds)
            ifs_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, request.totalTimeoutMilliseconds)
            setString(CURLOPT_USERAGENT, options.userAgent)
            if options.disableProxies { ifs_curl_setopt_string(handle, CURLOPT_PROXY, "") }
            if options.http11Only { ifs_curl_setopt_long(handle, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1) }
            if let caBundle = options.caBundlePath { setString(CURLOPT_CAINFO, caBundle) }
            switch request.method {
            case "GET":
                ifs_curl_setopt_long(handle, CURLOPT_HTTPGET, 1)
            case "HEAD":
                ifs_curl_setopt_long(handle, CURLOPT_NOBODY, 1)
            default:
                ifs_curl_setopt_long(handle, CURLOPT_POST, 1)
                ifs_curl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
                ifs_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: body.baseAddress ?? UnsafePointer(bitPattern: 1)))
                if request.method != "POST" { setString(CURLOPT_CUSTOMREQUEST, request.method) }
            }
            ifs_curl_setopt_pointer(handle, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(headerList))
            let context = Unmanaged.passUnretained(state).toOpaque()
            ifs_curl_setopt_callback(handle, CURLOPT_WRITEFUNCTION, TransferState.writeBody)
            ifs_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
            ifs_curl_setopt_callback(handle, CURLOPT_HEADERFUNCTION, TransferState.writeHeader)
            ifs_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context)
            return withExtendedLifetime(state) { curl_easy_perform(handle) }
        }

        guard code == CURLE_OK else {
            if state.bodyTooLarge { throw .responseTooLarge }
            let message = String(cString: curl_easy_strerror(code))
            switch code {
            case CURLE_OPERATION_TIMEDOUT: throw .timedOut
            case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: throw .couldNotConnect(message)
            default: throw .transport(message)
            }
        }
        var status = 0
        ifs_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, headerBlock: state.headerBlock, body: state.body)
    }
}
