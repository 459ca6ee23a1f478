/// What one invocation did, as `WebhookFunction` routed it: its answer (or the error to report to Lambda), its
/// metrics and its summary line, which `InvocationRecorder` writes.
public struct InvocationRecord: Sendable {
    public var response: Result<[UInt8], any Error>
    public var metrics: InvocationMetrics
    public var summary: InvocationSummary
}
