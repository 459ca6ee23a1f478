import IntercomFullStory
import Testing

@Suite struct SignatureAndReplyTests {
    @Test func matchesTheHMACSHA1ReferenceVector() {
        // Wikipedia/RFC 2104 example: HMAC_SHA1("key", "The quick brown fox jumps over the lazy dog").
        let body = Array("The quick brown fox jumps over the lazy dog".utf8)
        #expect(IntercomSignature.sign(body: body, secret: Array("key".utf8)) == "sha1=de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9")
        #expect(IntercomSignature.verify(body: body, header: "sha1=de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9", secret: Array("key".utf8)) == .valid)
    }

    @Test func emptyBodyAndSecretStillSign() {
        let header = IntercomSignature.sign(body: [], secret: [])
        #expect(header == "sha1=fbdb1d1b18aa6c08324b7d64b71fb76370690e1d")
        #expect(IntercomSignature.verify(body: [], header: header, secret: []) == .valid)
    }

    @Test(arguments: [
        (200, "", nil, FullStoryReply.accepted),
        (400, #"{"code":"session_page_limit_exceeded","message":"full"}"#, nil, .sessionFull),
        (400, #"{"code":"invalid_argument","message":"events must have a non-empty name"}"#, nil, .rejected(status: 400, code: "invalid_argument")),
        (400, "<html>", nil, .rejected(status: 400, code: nil)),
        (409, "{}", nil, .rejected(status: 409, code: nil)),
        (401, #"{"code":"unauthorized"}"#, nil, .refused(status: 401, code: "unauthorized")),
        (403, "", nil, .refused(status: 403, code: nil)),
        (429, "", "3", .retryable(status: 429, retryAfterSeconds: 3)),
        (429, "", "soon", .retryable(status: 429, retryAfterSeconds: nil)),
        (500, "", nil, .retryable(status: 500, retryAfterSeconds: nil)),
        (503, "", " 1 ", .retryable(status: 503, retryAfterSeconds: 1)),
        // A huge value is cut to a day: no arithmetic on it overflows, no wait is endless.
        (429, "", "9223372036854775807", .retryable(status: 429, retryAfterSeconds: 86_400)),
    ] as [(Int, String, String?, FullStoryReply)])
    func classifiesFullStoryAnswers(_ status: Int, _ body: String, _ retryAfter: String?, _ expected: FullStoryReply) {
        #expect(FullStoryReply.classify(status: status, body: Array(body.utf8), retryAfter: retryAfter) == expected)
    }
}
