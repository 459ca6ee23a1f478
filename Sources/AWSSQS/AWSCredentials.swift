/// The credentials and region requests are signed with. In Lambda they are the execution role's, from
/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN` and `AWS_REGION`.
public struct AWSCredentials: Sendable, Equatable {
    public var accessKeyID: String
    public var secretAccessKey: String
    /// Temporary credentials come with a token, sent as `x-amz-security-token` (never empty).
    public var sessionToken: String?
    public var region: String

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String?, region: String) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken.flatMap { $0.isEmpty ? nil : $0 }
        self.region = region
    }
}
