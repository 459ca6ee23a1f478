import ASCIIText
import CurlHTTP
import FlatJSON

/// The Runtime API (2018-06-01) over one keep-alive connection.
public final class RuntimeAPIClient {
    public struct Invocation: Sendable {
        public var context: LambdaContext
        public var event: [UInt8]
    }

    /// Outcome of posting a response or an error.
    public enum PostResult: Equatable, Sendable {
        case accepted
        /// 413: the payload was over Lambda's limit.
        case payloadTooLarge
        /// 500: the environment is broken; the runtime must exit.
        case containerError
        /// Anything else (400, 403 on a repeated answer…): logged, and the loop continues.
        case refused(Int)
    }

    /// Lambda's limit is 6 MiB + 100 bytes for a synchronous event.
    static let maximumEventSize = 6 * 1024 * 1024 + 100
    static let connectTimeoutMilliseconds = 1000

    private let baseURL: String
    private let nextURL: String
    private let http: HTTPClient

    /// - Parameter userAgent: the function's own (the loop knows no product).
    public init(host: String, userAgent: String) throws(HTTPClientError) {
        baseURL = "http://\(host)/2018-06-01"
        nextURL = baseURL + "/runtime/invocation/next"
        http = try HTTPClient(options: .init(disableProxies: true, http11Only: true, userAgent: userAgent))
    }

    /// Waits for the next invocation. No total timeout: the process may be frozen between invocations.
    public func next() throws(RuntimeAPIError) -> Invocation {
        let response: HTTPResponse
        do {
            response = try http.perform(
                HTTPRequest(
                    method: "GET", url: nextURL,
                    connectTimeoutMilliseconds: Self.connectTimeoutMilliseconds, totalTimeoutMilliseconds: 0,
                    maximumResponseSize: Self.maximumEventSize))
        } catch .responseTooLarge {
            // The headers came before the body: with the request id, the invocation is answered at once.
            guard let requestID = Self.requestID(in: http.lastResponseHeaders) else { throw .unreachable(.responseTooLarge) }
            throw .unusableInvocation(
                requestID: requestID, errorType: "Runtime.EventTooLarge",
                message: "the event is over Lambda's limit of \(Self.maximumEventSize) bytes")
        } catch {
            throw .unreachable(error)
        }
        guard response.status == 200 else { throw .unexpectedStatus(response.status, endpoint: "/next") }
        guard let requestID = Self.requestID(in: response) else { throw .missingRequestID }
        // Every budget of the function derives from the deadline, which Lambda always sends.
        guard let deadline = response.header("Lambda-Runtime-Deadline-Ms").flatMap({ Int64($0) }), deadline > 0 else {
            throw .unusableInvocation(
                requestID: requestID, errorType: "Runtime.InvalidInvocation",
                message: "the invocation has no valid Lambda-Runtime-Deadline-Ms header")
        }
        let context = LambdaContext(
            requestID: requestID,
            deadlineEpochMilliseconds: deadline,
            invokedFunctionARN: response.header("Lambda-Runtime-Invoked-Function-Arn"),
            traceID: response.header("Lambda-Runtime-Trace-Id"),
            clientContext: response.header("Lambda-Runtime-Client-Context"),
            cognitoIdentity: response.header("Lambda-Runtime-Cognito-Identity"))
        return Invocation(context: context, event: response.body)
    }

    /// A request id goes into URL paths: only the characters AWS uses are accepted.
    static let requestIDRule = IdentifierRule(punctuation: "-_.", maximumLength: 128)

    /// The request id, if it is one.
    static func requestID(in response: HTTPResponse) -> String? {
        guard let requestID = response.header("Lambda-Runtime-Aws-Request-Id"), requestIDRule.accepts(requestID) else { return nil }
        return requestID
    }

    public func postResponse(requestID: String, body: [UInt8]) throws(RuntimeAPIError) -> PostResult {
        try post(
            path: "/runtime/invocation/\(requestID)/response", body: body,
            headers: [("Content-Type", "application/json")])
    }

    public func postError(requestID: String, type: String, message: String) throws(RuntimeAPIError) -> PostResult {
        try post(
            path: "/runtime/invocation/\(requestID)/error", body: Self.errorBody(type: type, message: message),
            headers: Self.errorHeaders(type: type))
    }

    public func postInitError(type: String, message: String) throws(RuntimeAPIError) -> PostResult {
        try post(
            path: "/runtime/init/error", body: Self.errorBody(type: type, message: message),
            headers: Self.errorHeaders(type: type))
    }

    static func errorBody(type: String, message: String) -> [UInt8] {
        var writer = JSONWriter(capacity: 128 + message.utf8.count)
        writer.beginObject()
        writer.member("errorMessage", message)
        writer.member("errorType", type)
        writer.key("stackTrace")
        writer.beginArray()
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }

    private static func errorHeaders(type: String) -> [(name: String, value: String)] {
        // The header must stay one line whatever the error type says.
        let safeType = String(type.unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7F })
        return [("Content-Type", "application/vnd.aws.lambda.error+json"), ("Lambda-Runtime-Function-Error-Type", safeType)]
    }

    private func post(path: String, body: [UInt8], headers: [(name: String, value: String)]) throws(RuntimeAPIError)
        -> PostResult
    {
        let response: HTTPResponse
        do {
            response = try http.perform(
                HTTPRequest(
                    method: "POST", url: baseURL + path, headers: headers, body: body,
                    connectTimeoutMilliseconds: Self.connectTimeoutMilliseconds, totalTimeoutMilliseconds: 0))
        } catch {
            throw .unreachable(error)
        }
        switch response.status {
        case 200..<300: return .accepted
        case 413: return .payloadTooLarge
        case 500: return .containerError
        default: return .refused(response.status)
        }
    }
}
