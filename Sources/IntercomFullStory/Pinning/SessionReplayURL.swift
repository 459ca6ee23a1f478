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
        let encodedID = session.value.replacingColons()
        let url = "https://\(appHost(forAPI: fullStoryAPIURL))/ui/\(orgID)/session/\(encodedID)"
        return url.utf8.count <= maximumLength ? url : nil
    }

    /// `api.eu1.fullstory.com` → `app.eu1.fullstory.com`; anything else → `app.fullstory.com`.
    public static func appHost(forAPI apiURL: String) -> String {
        let host = apiURL.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: true).dropFirst().first
            .map { String($0.split(separator: ":").first ?? "") } ?? ""
        return ASCII.lowercased(host).hasSuffix("eu1.fullstory.com") ? "app.eu1.fullstory.com" : "app.fullstory.com"
    }

    /// `text` when it is an `https://` link to `session` that fits an Intercom attribute (the contact's attribute
    /// as the browser stored it, or List Sessions' `fsUrl`); `nil` otherwise.
    public static func link(_ text: String?, to session: FullStorySessionID) -> String? {
        guard let text = text?.trimmingASCIIWhitespace(), text.utf8.count <= maximumLength,
            ASCII.lowercased(String(text.prefix(8))) == "https://", text.isHeaderSafe,
            FullStorySessionID(parsing: text) == session
        else { return nil }
        return text
    }
}

extension String {
    fileprivate func replacingColons() -> String {
        var output = ""
        output.reserveCapacity(utf8.count + 2)
        for character in self { if character == ":" { output += "%3A" } else { output.append(character) } }
        return output
    }
}
