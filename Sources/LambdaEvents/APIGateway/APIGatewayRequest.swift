import Base64Format
import FlatJSON

/// The parts of an API Gateway proxy event that a webhook needs. Decodes REST API events (payload 1.0), and
/// HTTP API and Lambda Function URL events (payload 2.0).
public struct APIGatewayRequest: Sendable {
    public enum PayloadVersion: String, Sendable {
        case v1 = "1.0"
        case v2 = "2.0"
    }

    public var payloadVersion: PayloadVersion
    /// Uppercased HTTP method.
    public var method: String
    public var path: String
    public var headers: HTTPHeaders
    /// The raw body bytes, base64-decoded when API Gateway encoded them.
    public var body: [UInt8]
    /// API Gateway's request id (`requestContext.requestId`), for logs.
    public var requestID: String?

    init(
        payloadVersion: PayloadVersion, method: String, path: String, headers: HTTPHeaders, body: [UInt8],
        requestID: String?
    ) {
        self.payloadVersion = payloadVersion
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.requestID = requestID
    }

    public enum DecodingError: Error, Equatable, Sendable {
        case notJSON(String)
        case notAnAPIGatewayEvent
        case invalidBase64Body
        /// The body is larger than the limit; `size` is its (decoded) size.
        case bodyTooLarge(size: Int)
    }

    /// Decodes a proxy event. `maximumBodySize` is checked before base64 decoding, so an oversized body is
    /// never copied.
    public static func decode(_ event: [UInt8], maximumBodySize: Int) throws(DecodingError) -> APIGatewayRequest {
        let document: JSONDocument
        do {
            document = try JSONDocument(parsing: event)
        } catch {
            throw .notJSON(error.description)
        }
        return try decode(document.root, maximumBodySize: maximumBodySize)
    }

    /// Decodes a proxy event already parsed (the function looks at the event's root once to route it).
    public static func decode(_ root: JSONValue, maximumBodySize: Int) throws(DecodingError) -> APIGatewayRequest {
        let version: PayloadVersion
        let method: String?
        let path: String?
        if root["version"]?.isString("2.0") == true {
            version = .v2
            method = root["requestContext", "http", "method"]?.string
            path = root["rawPath"]?.string ?? root["requestContext", "http", "path"]?.string
        } else if let httpMethod = root["httpMethod"]?.string {
            version = .v1
            method = httpMethod
            path = root["path"]?.string
        } else {
            throw .notAnAPIGatewayEvent
        }
        guard let method, !method.isEmpty else { throw .notAnAPIGatewayEvent }

        let headers = HTTPHeaders(multiValueHeaders: root["multiValueHeaders"], headers: root["headers"])

        let body = try decodeBody(root, maximumBodySize: maximumBodySize)
        return APIGatewayRequest(
            payloadVersion: version, method: method.uppercased(), path: path ?? "/", headers: headers, body: body,
            requestID: root["requestContext", "requestId"]?.string)
    }

    private static func decodeBody(_ root: JSONValue, maximumBodySize: Int) throws(DecodingError) -> [UInt8] {
        guard let value = root["body"], value.kind == .string else { return [] }
        if root["isBase64Encoded"]?.bool == true {
            guard let text = value.string else { return [] }
            guard text.utf8.count / 4 * 3 <= maximumBodySize + 2 else {
                throw .bodyTooLarge(size: text.utf8.count / 4 * 3)
            }
            guard let decoded = Base64.decode(text) else { throw .invalidBase64Body }
            guard decoded.count <= maximumBodySize else { throw .bodyTooLarge(size: decoded.count) }
            return decoded
        }
        // The raw bytes, escapes decoded: exactly what Intercom signed.
        let body = value.stringBytes ?? []
        guard body.count <= maximumBodySize else { throw .bodyTooLarge(size: body.count) }
        return body
    }
}
