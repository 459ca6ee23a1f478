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
}
