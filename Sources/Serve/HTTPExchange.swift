import FlatJSON
import HTTPTypes
import Hummingbird
import LambdaEvents

/// The one translation between HTTP and what the function handles: a request becomes the API Gateway event
/// (payload 2.0) Lambda would hand it, its body base64-encoded so that the bytes Intercom signed arrive exactly;
/// the function's API Gateway response becomes the HTTP response.
enum HTTPExchange {
    static func event(method: String, path: String, headers: HTTPFields, body: [UInt8], requestID: String) -> [UInt8] {
        APIGatewayEventBuilder(
            method: method, path: path, headers: headers.map { ($0.name.canonicalName, $0.value) }, body: body, base64: true,
            requestID: requestID
        ).httpAPIEvent()
    }

    /// The HTTP response for the function's API Gateway response (`{"statusCode", "headers", "body"}`); a 500 if
    /// it is not one, which the function never gives.
    static func response(_ encoded: [UInt8]) -> Response {
        guard let root = try? JSONDocument(parsing: encoded).root, let status = root["statusCode"]?.int, (100...599).contains(status) else {
            return response(APIGatewayResponse.json(500, [("message", "internal error")]))
        }
        var fields = HTTPFields()
        if let headers = root["headers"], headers.kind == .object {
            for (name, value) in headers.members.withKeyValues {
                if let name = name.string.flatMap({ HTTPField.Name($0) }), let value = value.string { fields.append(HTTPField(name: name, value: value)) }
            }
        }
        let body = root["body"]?.stringBytes ?? []
        return Response(status: HTTPResponse.Status(code: status), headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    static func response(_ reply: APIGatewayResponse) -> Response {
        response(reply.encoded())
    }
}
