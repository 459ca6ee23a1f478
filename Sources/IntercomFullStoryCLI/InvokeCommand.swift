import ArgumentParser
import FlatJSON
import IntercomFullStory

/// Runs the webhook core on one API Gateway event file and prints the outcome as one JSON document.
struct InvokeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invoke",
        abstract: "Run the function on an API Gateway event file.",
        discussion: """
            Prints {"response": <API Gateway response>, "fullstory": [{"idempotency_key": …, "body": …}]}.
            The secret comes from INTERCOM_CLIENT_SECRET (or INTERCOM_ALLOW_UNSIGNED=true), the session attribute
            from FULLSTORY_SESSION_ATTRIBUTE and extra topics from FULLSTORY_EVENT_TOPICS.
            """
    )

    @Argument(help: "API Gateway proxy event (JSON).")
    var event: String

    @Flag(help: "Decide and print what would be sent, without any network call (no contact lookup).")
    var dryRun = false

    func run() throws {
        guard dryRun else {
            throw ValidationError("only --dry-run is available in this build")
        }
        let configuration = try CLIConfiguration.webhookConfiguration()
        let handler = WebhookHandler(configuration: configuration)
        let (decision, _) = handler.handle(event: try FileIO.read(event))
        var sent: [FullStoryEvent] = []
        let reply: WebhookReply
        switch decision {
        case .reply(let final):
            reply = final
        case .deliver(let draft):
            // Dry run: no contact lookup, so the session falls back to the payload alone.
            let event = draft.event(contactSessionAttribute: nil)
            sent.append(event)
            reply = DeliveryOutcome.delivered(event).reply
        }
        FileIO.writeStandardOutput(DryRunReport(response: reply.response, events: sent).json())
    }
}

/// The document `invoke` prints.
struct DryRunReport {
    var response: APIGatewayResponse
    var events: [FullStoryEvent]

    func json() -> [UInt8] {
        var writer = JSONWriter(capacity: 2048)
        writer.beginObject()
        writer.key("response")
        writer.raw(response.encoded())
        writer.key("fullstory")
        writer.beginArray()
        for event in events {
            writer.beginObject()
            writer.member("idempotency_key", event.idempotencyKey)
            writer.member("session_link", event.link.label)
            writer.key("body")
            writer.raw(event.body())
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }
}
