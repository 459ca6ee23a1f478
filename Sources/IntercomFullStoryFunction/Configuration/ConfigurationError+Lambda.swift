import LambdaRuntime
import ServiceSettings

/// A configuration problem is the function's init error, reported to Lambda under this type.
extension ConfigurationError: LambdaReportableError {
    public var lambdaErrorType: String { "Runtime.InvalidConfiguration" }
    public var lambdaErrorMessage: String { description }
}
