import ASCIIText
import Testing

@Suite struct ASCIITextTests {
    @Test func namesCompareWithoutRegardToASCIICase() {
        #expect(ASCII.equalIgnoringCase(Array("X-Hub-Signature".utf8), Array("x-hub-signature".utf8)))
        #expect(!ASCII.equalIgnoringCase(Array("X-Hub-Signature".utf8), Array("x-hub-signaturE2".utf8)))
        #expect(!ASCII.equalIgnoringCase(Array("É".utf8), Array("é".utf8)), "only ASCII letters fold")
        #expect(ASCII.lowercased("Retry-After") == "retry-after")
        #expect(ASCII.lowercased("already") == "already")
    }

    @Test func identifiersFollowTheirRule() {
        let requestID = IdentifierRule(punctuation: "-_.", maximumLength: 8)
        #expect(requestID.accepts("a-B_9.z"))
        #expect(!requestID.accepts(""))
        #expect(!requestID.accepts("123456789"), "too long")
        #expect(!requestID.accepts("a/b"))
        #expect(!requestID.accepts("a b"))
        #expect(!requestID.accepts("é"))
        let code = IdentifierRule(lowercaseOnly: true, punctuation: "_", maximumLength: 64)
        #expect(code.accepts("session_page_limit_exceeded"))
        #expect(!code.accepts("Invalid_Argument"))
    }

    @Test func headerSafeValuesArePrintableWithoutSpaces() {
        #expect("na1.key-value".isHeaderSafe)
        #expect(!"key value".isHeaderSafe)
        #expect(!"key\r\nX-Injected: 1".isHeaderSafe)
        #expect(!"clé".isHeaderSafe)
    }

    @Test func retryAfterIsSecondsUpToADay() {
        #expect(RetryAfter.seconds("7") == 7)
        #expect(RetryAfter.seconds(" 30\t") == 30)
        #expect(RetryAfter.seconds("9999999999999999") == 86_400)
        #expect(RetryAfter.seconds("-1") == nil)
        #expect(RetryAfter.seconds("Wed, 21 Oct 2026 07:28:00 GMT") == nil)
        #expect(RetryAfter.seconds("") == nil)
    }

    @Test func percentEncodingRoundTrips() {
        let text = "a/..%2Fb c~é:1"
        let encoded = PercentEncoding.encoded(text)
        #expect(encoded == "a%2F..%252Fb%20c~%C3%A9%3A1")
        #expect(PercentEncoding.decoded(Array(encoded.utf8)).map { String(decoding: $0, as: UTF8.self) } == text)
        #expect(PercentEncoding.decoded(Array("%G1".utf8)) == nil)
        #expect(PercentEncoding.decoded(Array("%4".utf8)) == nil)
    }

    @Test func containsIgnoresASCIICase() {
        #expect(ASCII.contains("The Idempotency-Key was reused", word: "idempoten"))
        #expect(ASCII.contains("BODY differs", word: "body"))
        #expect(!ASCII.contains("idempote", word: "idempoten"))
        #expect(!ASCII.contains("", word: "a"))
        #expect(ASCII.contains("abc", word: ""))
        #expect(ASCII.contains("café body", word: "body"))
    }
}
