/// Handles one invocation's event bytes and returns the response bytes. Throwing reports a function error
/// for that invocation (`POST /invocation/{id}/error`); the loop goes on.
public protocol LambdaHandler {
    mutating func handle(_ event: [UInt8], context: LambdaContext) throws -> [UInt8]
}

/// The error type and message reported to Lambda for a thrown error. Conform to override the defaults
/// (the Swift type name and `String(describing:)`).
public protocol LambdaReportableError: Error {
    var lambdaErrorType: String { get }
    var lambdaErrorMessage: String { get }
}
