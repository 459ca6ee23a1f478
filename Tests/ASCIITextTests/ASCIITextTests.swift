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
}
