import FlatJSON

/// A proxy integration response. Its JSON shape is valid for both payload versions:
/// `{"statusCode":…,"headers":{…},"body":"…","isBase64Encoded":false}`.
public struct APIGatewayResponse: Sendable, Equatable {
    public var statusCode: Int
    public var headers: [(name: String, value: String)]
    public var body: String

    public init(statusCode: Int, headers: [(name: String, value: String)] = [], body: String = "") {
        self.statusCode = statusCode
        self.headers = headers
        self.body = body
    }

    /// A JSON response; `fields` become the members of the body object, in order.
    public static func json(_ statusCode: Int, _ fields: [(String, String)], headers: [(name: String, value: String)] = [])
        -> APIGatewayResponse
    {
        var writer = JSONWriter(capacity: 64)
        writer.beginObject()
        for (name, value) in fields { writer.member(name, value) }
        writer.endObject()
        return APIGatewayResponse(
            statusCode: statusCode, headers: [("Content-Type", "application/json")] + headers, body: writer.string)
    }

    public func encoded() -> [UInt8] {
        var writer = JSONWriter(capacity: body.utf8.count + 96)
        writer.beginObject()
        writer.member("statusCode", statusCode)
        writer.key("headers")
        writer.beginObject()
        for header in headers { writer.member(header.name, header.value) }
        writer.endObject()
        writer.member("body", body)
        writer.member("isBase64Encoded", false)
        writer.endObject()
        return writer.bytes
    }

    public static func == (lhs: APIGatewayResponse, rhs: APIGatewayResponse) -> Bool {
        lhs.statusCode == rhs.statusCode && lhs.body == rhs.body
            && lhs.headers.map { "\($0.name):\($0.value)" } == rhs.headers.map { "\($0.name):\($0.value)" }
    }
}
