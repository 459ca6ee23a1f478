/// The product's one version: `intercom-fullstory --version` prints it, and every request to FullStory, Intercom,
/// SQS and the Lambda Runtime API carries it as `User-Agent: intercom-fullstory/<version>` (CHANGELOG.md says
/// what each version changed).
public enum ProductVersion {
    public static let number = "1.1.0"
    /// Written out, not interpolated: building the string at start-up would cost the cold start (a test checks
    /// it against `number`).
    public static let userAgent = "intercom-fullstory/1.1.0"
}
