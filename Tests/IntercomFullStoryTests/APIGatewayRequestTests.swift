import Base64Format
import IntercomFullStory
import LambdaEvents
import Testing

@Suite struct APIGatewayRequestTests {
    @Test func decodesRESTAPIEventsWithMultiValueHeaders() throws {
        let event = #"{"httpMethod":"post","path":"/intercom","headers":{"Content-Type":"application/json"},"multiValueHeaders":{"X-Hub-Signature":["sha1=a"],"Accept":["a","b"]},"requestContext":{"requestId":"r1"},"body":"{}","isBase64Encoded":false}"#
        let request = try APIGatewayRequest.decode(Array(event.utf8), maximumBodySize: 100)
        #expect(request.payloadVersion == .v1)
        #expect(request.method == "POST")
        #expect(request.path == "/intercom")
        #expect(request.headers["x-hub-signature"] == "sha1=a")
        #expect(request.headers["CONTENT-TYPE"] == "application/json")
        #expect(request.headers.all("accept") == ["a", "b"])
        #expect(request.headers["accept"] == nil)  // ambiguous
        #expect(request.requestID == "r1")
        #expect(request.body == Array("{}".utf8))
    }

    @Test func decodesHTTPAPIAndFunctionURLEvents() throws {
        let event = #"{"version":"2.0","rawPath":"/intercom","headers":{"x-hub-signature":"sha1=b"},"requestContext":{"domainName":"abc.lambda-url.us-east-1.on.aws","http":{"method":"HEAD","path":"/intercom"},"requestId":"r2"},"isBase64Encoded":false}"#
        let request = try APIGatewayRequest.decode(Array(event.utf8), maximumBodySize: 100)
        #expect(request.payloadVersion == .v2)
        #expect(request.method == "HEAD")
        #expect(request.headers["X-Hub-Signature"] == "sha1=b")
        #expect(request.body.isEmpty)
        #expect(request.requestID == "r2")
    }

    @Test func decodesBase64Bodies() throws {
        for (encoded, plain) in [("eyJhIjoxfQ==", #"{"a":1}"#), ("eyJhIjoxMn0=", #"{"a":12}"#), ("eyJhIjoxMjN9", #"{"a":123}"#)] {
            let event = #"{"httpMethod":"POST","body":"\#(encoded)","isBase64Encoded":true}"#
            #expect(try APIGatewayRequest.decode(Array(event.utf8), maximumBodySize: 100).body == Array(plain.utf8))
        }
        let invalid = #"{"httpMethod":"POST","body":"***","isBase64Encoded":true}"#
        #expect(throws: APIGatewayRequest.DecodingError.invalidBase64Body) {
            try APIGatewayRequest.decode(Array(invalid.utf8), maximumBodySize: 100)
        }
    }

    @Test func base64RoundTrips() {
        for (plain, encoded) in [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foobar", "Zm9vYmFy")] {
            #expect(Base64.encode(Array(plain.utf8)) == encoded)
            #expect(Base64.decode(encoded) == Array(plain.utf8))
        }
        let bytes = (0..<600).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        #expect(Base64.decode(Base64.encode(bytes)) == bytes)
    }

    @Test func base64SampleEventCarriesTheSameBody() throws {
        let plain = try APIGatewayRequest.decode(Fixtures.event("closed.v1.json"), maximumBodySize: 1 << 20)
        let encoded = try APIGatewayRequest.decode(Fixtures.event("closed-base64.v1.json"), maximumBodySize: 1 << 20)
        #expect(plain.body == encoded.body)
    }

    @Test func rejectsWhatIsNotAProxyEvent() {
        #expect(throws: APIGatewayRequest.DecodingError.notAnAPIGatewayEvent) {
            try APIGatewayRequest.decode(Array(#"{"hello":"world"}"#.utf8), maximumBodySize: 100)
        }
        #expect(throws: APIGatewayRequest.DecodingError.self) {
            try APIGatewayRequest.decode(Array("{".utf8), maximumBodySize: 100)
        }
    }
}
