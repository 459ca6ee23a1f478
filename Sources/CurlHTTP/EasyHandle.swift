import CCurl

/// One libcurl easy handle and what it needs between requests. `HTTPClient` performs one request at a time on
/// it; `ConcurrentHTTPClient` drives several through libcurl's multi interface. The handle keeps its
/// connections (and TLS sessions) alive between requests. Not thread-safe.
final class EasyHandle {
    let handle: UnsafeMutableRawPointer
    let options: HTTPClient.Options
    /// "Name: value\0" of the header being added; kept between requests so that no line allocates.
    private var headerLine: [UInt8] = []
    /// The header list of the request in progress; libcurl reads it during the transfer.
    private var headerList: UnsafeMutablePointer<curl_slist>?
    /// What the callbacks of the request in progress collect.
    private(set) var state = TransferState(maximumBodySize: 0)

    init(options: HTTPClient.Options) throws(HTTPClientError) {
        guard curlGlobalInitialization == CURLE_OK else { throw .setup("curl_global_init failed") }
        guard let handle = curl_easy_init() else { throw .setup("curl_easy_init failed") }
        self.handle = handle
        self.options = options
    }

    deinit {
        curl_slist_free_all(headerList)
        curl_easy_cleanup(handle)
    }

    /// libcurl copies string options, so the String's own bytes are lent (no C-string copy is made).
    @discardableResult
    private func setString(_ option: CURLoption, _ value: String) -> CURLcode {
        value.withCString { ifs_curl_setopt_string(handle, option, $0) }
    }

    /// libcurl copies the line; it is assembled in `headerLine` instead of a new String per header.
    private func appendHeader(_ name: String, _ value: String) {
        headerLine.removeAll(keepingCapacity: true)
        headerLine.append(contentsOf: name.utf8)
        headerLine.append(contentsOf: ": ".utf8)
        headerLine.append(contentsOf: value.utf8)
        headerLine.append(0)
        headerList = headerLine.withUnsafeBytes { line in
            curl_slist_append(headerList, line.baseAddress?.assumingMemoryBound(to: CChar.self))
        }
    }

    /// Sets the handle up for `request`. The body is lent when `body` is given (it must stay valid until the
    /// transfer ends) and copied by libcurl otherwise.
    func prepare(_ request: HTTPRequest, lending body: UnsafeBufferPointer<UInt8>?) throws(HTTPClientError) {
        // Reset clears the options of the previous request but keeps its connections and caches.
        curl_easy_reset(handle)
        curl_slist_free_all(headerList)
        headerList = nil
        state = TransferState(maximumBodySize: request.maximumResponseSize)
        for header in request.headers { appendHeader(header.name, header.value) }
        if request.awsSignature == nil {
            // No `Expect: 100-continue` round trip. Not for signed requests: libcurl 7.88 lists a removal entry
            // among the signed headers without sending it, and AWS refuses the signature.
            headerList = curl_slist_append(headerList, "Expect:")
        }

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
            ifs_curl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count))
            if let body {
                ifs_curl_setopt_pointer(
                    handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: body.baseAddress ?? UnsafePointer(bitPattern: 1)))
            } else {
                request.body.withUnsafeBytes { bytes in
                    _ = ifs_curl_setopt_pointer(
                        handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)))
                }
            }
            if request.method != "POST" { setString(CURLOPT_CUSTOMREQUEST, request.method) }
        }
        if let signature = request.awsSignature {
            // The whole body is in POSTFIELDS, so libcurl hashes exactly what it sends. A libcurl built without
            // SigV4 (`--disable-aws`, or older than 7.75) says so here.
            guard setString(CURLOPT_AWS_SIGV4, signature.provider) == CURLE_OK else {
                throw .setup("this libcurl cannot sign AWS requests (CURLOPT_AWS_SIGV4)")
            }
            setString(CURLOPT_USERNAME, signature.accessKeyID)
            setString(CURLOPT_PASSWORD, signature.secretAccessKey)
        }
        ifs_curl_setopt_pointer(handle, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(headerList))
        let context = Unmanaged.passUnretained(state).toOpaque()
        ifs_curl_setopt_callback(handle, CURLOPT_WRITEFUNCTION, TransferState.writeBody)
        ifs_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
        ifs_curl_setopt_callback(handle, CURLOPT_HEADERFUNCTION, TransferState.writeHeader)
        ifs_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context)
    }

    /// The response of the transfer that ended with `code`.
    func finish(_ code: CURLcode) throws(HTTPClientError) -> HTTPResponse {
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
