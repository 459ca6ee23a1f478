import ASCIIText
import Base64Format
import FlatJSON

/// Builds API Gateway proxy events (REST API payload 1.0, HTTP API payload 2.0) around a request, as API Gateway
/// sends them: for the CLI's sample events (`intercom-fullstory sign`) and for the tests, which share this one.
public struct APIGatewayEventBuilder: Sendable {
    public var method: String
    public var path: String
    /// Header names as a client sends them; the 2.0 event lowercases them, as HTTP APIs do.
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// Whether the body travels base64-encoded (`isBase64Encoded`), as API Gateway sends binary media types.
    public var base64: Bool
    public var requestID: String

    public init(
        method: String, path: String, headers: [(String, String)], body: [UInt8], base64: Bool = false, requestID: String
    ) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.base64 = base64
        self.requestID = requestID
    }

    private var bodyText: String {
        base64 ? Base64.encode(body) : String(decoding: body, as: UTF8.self)
    }

    public func restAPIEvent() -> [UInt8] {
        var writer = JSONWriter(capacity: body.count + 1024)
        writer.beginObject()
        writer.member("resource", path)
        writer.member("path", path)
        writer.member("httpMethod", method)
        writer.key("headers")
        writer.beginObject()
        for (name, value) in headers { writer.member(name, value) }
        writer.endObject()
        writer.key("multiValueHeaders")
        writer.beginObject()
        for (name, value) in headers {
            writer.key(name)
            writer.beginArray()
            writer.string(value)
            writer.endArray()
        }
        writer.endObject()
        writer.key("queryStringParameters")
        writer.null()
        writer.key("multiValueQueryStringParameters")
        writer.null()
        writer.key("pathParameters")
        writer.null()
        writer.key("stageVariables")
        writer.null()
        writer.key("requestContext")
        writer.beginObject()
        writer.member("accountId", "123456789012")
        writer.member("apiId", "abcdef1234")
        writer.member("resourcePath", path)
        writer.member("httpMethod", method)
        writer.member("path", "/Prod" + path)
        writer.member("stage", "Prod")
        writer.member("protocol", "HTTP/1.1")
        writer.member("requestId", requestID)
        writer.key("identity")
        writer.beginObject()
        writer.member("sourceIp", "34.231.155.113")
        writer.member("userAgent", "intercom-parrot-service-client/1.0")
        writer.endObject()
        writer.endObject()
        writeBody(&writer)
        writer.endObject()
        return writer.bytes
    }

    public func httpAPIEvent() -> [UInt8] {
        var writer = JSONWriter(capacity: body.count + 1024)
        writer.beginObject()
        writer.member("version", "2.0")
        writer.member("routeKey", "\(method) \(path)")
        writer.member("rawPath", path)
        writer.member("rawQueryString", "")
        writer.key("headers")
        writer.beginObject()
        for (name, value) in headers { writer.member(ASCII.lowercased(name), value) }
        writer.endObject()
        writer.key("requestContext")
        writer.beginObject()
        writer.member("accountId", "123456789012")
        writer.member("apiId", "abcdef1234")
        writer.member("domainName", "abcdef1234.execute-api.us-east-1.amazonaws.com")
        writer.key("http")
        writer.beginObject()
        writer.member("method", method)
        writer.member("path", path)
        writer.member("protocol", "HTTP/1.1")
        writer.member("sourceIp", "34.231.155.113")
        writer.member("userAgent", "intercom-parrot-service-client/1.0")
        writer.endObject()
        writer.member("requestId", requestID)
        writer.member("routeKey", "\(method) \(path)")
        writer.member("stage", "$default")
        writer.endObject()
        writeBody(&writer)
        writer.endObject()
        return writer.bytes
    }

    private func writeBody(_ writer: inout JSONWriter) {
        writer.key("body")
        if body.isEmpty { writer.null() } else { writer.string(bodyText) }
        writer.member("isBase64Encoded", base64)
    }
}
