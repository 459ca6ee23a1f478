import CCurl

/// Request signing with AWS Signature Version 4, done by libcurl itself (`CURLOPT_AWS_SIGV4`, libcurl 7.75+).
/// libcurl signs `host`, `x-amz-date` and every header the request lists, and the SHA-256 of the whole body, so
/// a signed request must carry its body in full and list no header-removal entries (see `HTTPClient`).
public struct AWSSigV4: Sendable, Equatable {
    /// `aws:amz:<region>:<service>`, as libcurl wants it.
    public var provider: String
    public var accessKeyID: String
    public var secretAccessKey: String

    public init(region: String, service: String, accessKeyID: String, secretAccessKey: String) {
        provider = "aws:amz:\(region):\(service)"
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
    }

    /// Whether the libcurl loaded in this process can sign: `CURLOPT_AWS_SIGV4` accepted on a scratch handle.
    /// A libcurl older than 7.75, or built with `--disable-aws`, answers `CURLE_UNKNOWN_OPTION` or
    /// `CURLE_NOT_BUILT_IN`; every signed call would then fail.
    public static func isSupportedByLoadedLibcurl() -> Bool {
        guard curlGlobalInitialization == CURLE_OK, let handle = curl_easy_init() else { return false }
        defer { curl_easy_cleanup(handle) }
        return ifs_curl_setopt_string(handle, CURLOPT_AWS_SIGV4, "aws:amz:us-east-1:sqs") == CURLE_OK
    }
}
