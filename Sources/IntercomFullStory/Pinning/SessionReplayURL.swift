import ASCIIText

/// Session replay links as agents open them: `https://app.fullstory.com/ui/<org id>/session/<device>%3A<session>`
/// (the EU realm's host is `app.eu1.fullstory.com`). Pure.
public enum SessionReplayURL {
    /// Intercom's string attributes hold 255 characters; a longer value is not written as a link.
    public static let maximumLength = 255

    /// FullStory org ids are short alphanumeric codes (`o-1A2B3C-na1` style included).
    public static let orgIDRule = IdentifierRule(punctuation: "-_", maximumLength: 64)

    /// The replay link for `session` in `orgID`'s account, on the app host of the API's region.
    public static func make(orgID: String, session: FullStorySessionID, fullStoryAPIURL: String) -> String? {
        guard orgIDRule.accepts(orgID.utf8) else { return nil }
        let encodedID = PercentEncoding.encoded(session.value)
        let url = "https://\(appHost(forAPI: fullStoryAPIURL))/ui/\(orgID)/session/\(encodedID)"
        return url.utf8.count <= maximumLength ? url : nil
    }

    /// `api.eu1.fullstory.com` → `app.eu1.fullstory.com`; anything else → `app.fullstory.com`.
    public static func appHost(forAPI apiURL: String) -> String {
        ASCII.host(ofURL: apiURL).hasSuffix("eu1.fullstory.com") ? "app.eu1.fullstory.com" : "app.fullstory.com"
    }

    /// FullStory's app hosts: a link elsewhere is never written where agents click it (the contact's attribute is
    /// set by the browser, so by anyone).
    private static let appHosts: Set<String> = ["app.fullstory.com", "app.eu1.fullstory.com", "www.fullstory.com", "fullstory.com"]

    /// The link to `session` in `text`, as `https://<FullStory app host><path>` (query and fragment dropped), when
    /// `text` is an `https://` link on one of FullStory's app hosts whose path names `session` and that fits an
    /// Intercom attribute: the contact's attribute as the browser stored it, or List Sessions' `fsUrl`.
    public static func link(_ text: String?, to session: FullStorySessionID) -> String? {
        guard let text = text?.trimmingASCIIWhitespace(), text.isHeaderSafe, ASCII.lowercased(String(text.prefix(8))) == "https://"
        else { return nil }
        let afterScheme = text.dropFirst(8)
        let hostEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? afterScheme.endIndex
        let host = ASCII.lowercased(String(afterScheme[..<hostEnd]))
        guard appHosts.contains(host) else { return nil }
        let rest = afterScheme[hostEnd...]
        let path = rest.prefix { $0 != "?" && $0 != "#" }
        let link = "https://" + host + path
        guard link.utf8.count <= maximumLength, FullStorySessionID(parsing: link) == session else { return nil }
        return link
    }
}
