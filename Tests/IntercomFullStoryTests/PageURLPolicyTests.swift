import IntercomFullStory
import Testing

@Suite struct PageURLPolicyTests {
    @Test(arguments: [
        ("https://shop.example.com/checkout?step=payment&email=a%40b.c", "https://shop.example.com/checkout"),
        ("https://example.com/reset#token=abc", "https://example.com/reset"),
        ("https://example.com:8443/a/b/?q=1#f", "https://example.com:8443/a/b/"),
        ("https://example.com?x=1", "https://example.com"),
        ("https://user:secret@example.com/private?x=1", "https://example.com/private"),
        ("https://example.com/path@with-at?x=1", "https://example.com/path@with-at"),
        ("http://localhost:5500/test.html", "http://localhost:5500/test.html"),
        ("/relative/page?x=1", "/relative/page"),
        ("not a url?x", "not a url"),
        ("", ""),
    ])
    func dropSendsSchemeHostAndPath(url: String, expected: String) {
        #expect(PageURLPolicy.drop.apply(to: url) == expected)
    }

    @Test func keepSendsTheURLWithoutUserInformation() {
        #expect(PageURLPolicy.keep.apply(to: "https://shop.example.com/c?step=2#x") == "https://shop.example.com/c?step=2#x")
        #expect(PageURLPolicy.keep.apply(to: "https://me:pw@shop.example.com/c?step=2") == "https://shop.example.com/c?step=2")
    }

    @Test func nonASCIIIsKeptIntact() {
        #expect(PageURLPolicy.drop.apply(to: "https://exämple.com/päth?ü=1") == "https://exämple.com/päth")
    }
}
