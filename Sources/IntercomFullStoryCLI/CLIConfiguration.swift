import ArgumentParser
import IntercomFullStory

/// The core's configuration from the same environment variables the Lambda function reads.
enum CLIConfiguration {
    static func webhookConfiguration() throws -> WebhookConfiguration {
        let signature: WebhookConfiguration.SignaturePolicy
        if let secret = FileIO.environment("INTERCOM_CLIENT_SECRET"), !secret.isEmpty {
            signature = .verify(secret: Array(secret.utf8))
        } else if FileIO.environment("INTERCOM_ALLOW_UNSIGNED") == "true" {
            signature = .acceptUnsigned
        } else {
            throw ValidationError(
                "set INTERCOM_CLIENT_SECRET (the sample events in events/ use the test secret in events/README.md)")
        }
        let attribute = FileIO.environment("FULLSTORY_SESSION_ATTRIBUTE").flatMap { $0.isEmpty ? nil : $0 }
        let topics = (FileIO.environment("FULLSTORY_EVENT_TOPICS") ?? "").split(separator: ",").map {
            String($0).trimmingCharacters()
        }.filter { !$0.isEmpty }
        return WebhookConfiguration(
            signature: signature, sessionAttribute: attribute ?? WebhookConfiguration.defaultSessionAttribute,
            extraTopics: Set(topics))
    }
}

extension String {
    fileprivate func trimmingCharacters() -> String {
        var text = Substring(self)
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return String(text)
    }
}
