import FlatJSON
import IntercomFullStory

/// API Gateway events around Intercom notification bodies, signed as Intercom signs them.
public enum SignedEvents {
    public static let testSecret = "test-intercom-client-secret"

    /// A REST API (payload 1.0) POST event around `body`, with the given signature header (or the correct one).
    public static func restAPI(
        body: [UInt8], method: String = "POST", signature: String? = nil, headerName: String = "X-Hub-Signature",
        secret: String = testSecret
    ) -> [UInt8] {
        var writer = JSONWriter(capacity: body.count * 2 + 512)
        writer.beginObject()
        writer.member("httpMethod", method)
        writer.member("path", "/intercom")
        writer.key("headers")
        writer.beginObject()
        writer.member(headerName, signature ?? IntercomSignature.sign(body: body, secret: Array(secret.utf8)))
        writer.endObject()
        writer.key("requestContext")
        writer.beginObject()
        writer.member("requestId", "test-request")
        writer.endObject()
        return finish(&writer, body: body)
    }

    /// An HTTP API (payload 2.0) POST event around `body`, signed with `secret`.
    public static func httpAPI(body: [UInt8], secret: String = testSecret) -> [UInt8] {
        var writer = JSONWriter(capacity: body.count * 2 + 512)
        writer.beginObject()
        writer.member("version", "2.0")
        writer.member("rawPath", "/intercom")
        writer.key("headers")
        writer.beginObject()
        writer.member("x-hub-signature", IntercomSignature.sign(body: body, secret: Array(secret.utf8)))
        writer.endObject()
        writer.key("requestContext")
        writer.beginObject()
        writer.key("http")
        writer.beginObject()
        writer.member("method", "POST")
        writer.endObject()
        writer.member("requestId", "test-request")
        writer.endObject()
        return finish(&writer, body: body)
    }

    /// The body as a plain JSON string, and the event's end.
    private static func finish(_ writer: inout JSONWriter, body: [UInt8]) -> [UInt8] {
        writer.member("body", String(decoding: body, as: UTF8.self))
        writer.member("isBase64Encoded", false)
        writer.endObject()
        return writer.bytes
    }
}
