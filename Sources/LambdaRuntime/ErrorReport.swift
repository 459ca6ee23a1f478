/// Error type and message for the Runtime API's error body.
struct ErrorReport {
    var type: String
    var message: String

    init(type: String, message: String) {
        self.type = type
        self.message = message
    }

    init(_ error: any Error, defaultType: String) {
        if let reportable = error as? any LambdaReportableError {
            type = reportable.lambdaErrorType
            message = reportable.lambdaErrorMessage
        } else {
            type = defaultType
            message = String(describing: error)
        }
    }
}
