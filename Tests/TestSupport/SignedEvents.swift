import IntercomFullStory
import LambdaEvents

/// API Gateway events around Intercom notification bodies, signed as Intercom signs them, built by the CLI's
/// builder (`APIGatewayEventBuilder`).
public enum SignedEvents {
    public static let testSecret = "test-intercom-client-secret"

    /// A REST API (payload 1.0) POST event around `body`, with the given signature header (or the correct one).
    public static func restAPI(
        body: [UInt8], method: String = "POST", signature: String? = nil, headerName: String = "X-Hub-Signature",
        secret: String = testSecret
    ) -> [UInt8] {
        let signature = signature ?? IntercomSignature.sign(body: body, secret: Array(secret.utf8))
        return builder(body: body, method: method, headers: [(headerName, signature)]).restAPIEvent()
    }

    /// An HTTP API (payload 2.0) POST event around `body`, signed with `secret`.
    public static func httpAPI(body: [UInt8], secret: String = testSecret) -> [UInt8] {
        let signature = IntercomSignature.sign(body: body, secret: Array(secret.utf8))
        return builder(body: body, method: "POST", headers: [("X-Hub-Signature", signature)]).httpAPIEvent()
    }

    private static func builder(body: [UInt8], method: String, headers: [(String, String)]) -> APIGatewayEventBuilder {
        APIGatewayEventBuilder(method: method, path: "/intercom", headers: headers, body: body, requestID: "test-request")
    }
}
