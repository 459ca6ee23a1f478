import FlatJSON
import TestSupport
import Testing

/// What must never appear in a log line: the configured secrets and the customer's message text.
enum LogHygiene {
    static var forbidden: [String] {
        var texts = [EmulatorHarness.clientSecret, EmulatorHarness.fullStoryKey, EmulatorHarness.intercomToken, ABsmartlyStandIn.apiKey]
        for body in ["closed", "rated", "opened", "ticket-created", "ticket-rated", "fin-replied", "closed-by-fin"] {
            let root = try? JSONDocument(parsing: readFile(repositoryRoot + "/events/bodies/\(body).json")).root
            texts += root.map(bodies) ?? []
        }
        return texts
    }

    static func bodies(_ value: JSONValue) -> [String] {
        var texts: [String] = []
        for (key, member) in value.members {
            let isText = ["body", "remark", "_default_title_", "_default_description_", "rating_remark"].contains(key)
            if isText, let text = member.string, text.count > 3 { texts.append(text) }
            texts += bodies(member)
        }
        for element in value.elements { texts += bodies(element) }
        return texts
    }

    static func expectClean(_ output: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!output.isEmpty, sourceLocation: sourceLocation)
        for text in forbidden {
            #expect(!output.contains(text), "log contains \(text.prefix(12))…", sourceLocation: sourceLocation)
        }
        // The signature header's value never appears either.
        #expect(!output.contains("sha1="), sourceLocation: sourceLocation)
    }
}
