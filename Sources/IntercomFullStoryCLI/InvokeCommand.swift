import ArgumentParser
import FileContents
import FlatJSON
import IntercomFullStory
import IntercomFullStoryFunction
import LambdaEvents
import LambdaRuntime
import Logging
import ServiceSettings
import SystemClock

/// Runs the webhook core on one API Gateway event file and prints the outcome as one JSON document.
struct InvokeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invoke",
        abstract: "Run the function on an API Gateway event file.",
        discussion: """
            Prints {"response": <API Gateway response>, "fullstory": [{"idempotency_key": …, "body": …}]}.
            Configured by the same environment variables as the Lambda function (see docs/configuration.md). Without
            --dry-run it looks up the contact and sends the event to FullStory for real.
            """
    )

    @Argument(help: "API Gateway proxy event (JSON).")
    var event: String

    @Flag(help: "Decide and print what would be sent, without any network call (no contact lookup).")
    var dryRun = false

    func run() throws {
        let eventBytes = try FileContents.read(event)
        if dryRun {
            FileIO.writeStandardOutput(try dryRunReport(eventBytes).json())
        } else {
            FileIO.writeStandardOutput(try deliveryReport(eventBytes).json())
        }
    }

    /// The same path as `bootstrap`: configuration from the environment, real lookup, real FullStory call.
    private func deliveryReport(_ eventBytes: [UInt8]) throws -> DryRunReport {
        let environment = ProcessEnvironment.variable
        let configuration = try Self.configuration(environment)
        let logger = Logger(label: "intercom-fullstory") { LambdaLogHandler(label: $0, environment: environment) }
        let function = try WebhookFunction(configuration: configuration, logger: logger)
        let requestID = "cli-" + IdempotencyKey.uuid5(["cli", "\(SystemClock.monotonicNanoseconds())"])
        var requestLogger = logger
        requestLogger[metadataKey: "requestId"] = "\(requestID)"
        let context = LambdaContext(
            requestID: requestID, deadlineEpochMilliseconds: SystemClock.epochMilliseconds() + 10_000, logger: requestLogger)
        let start = SystemClock.monotonicNanoseconds()
        let (result, summary) = function.invoke(eventBytes, context: context)
        summary.write(to: requestLogger, milliseconds: TimeSource.system.milliseconds(since: start))
        return DryRunReport(response: result.reply.response, events: result.report?.sent ?? [])
    }

    private func dryRunReport(_ eventBytes: [UInt8]) throws -> DryRunReport {
        // A dry run sends nothing, so it needs no FullStory key; everything else is checked as in Lambda.
        let environment = { (name: String) -> String? in
            let value = ProcessEnvironment.variable(name)
            return name == "FULLSTORY_API_KEY" && (value?.isEmpty ?? true) ? "dry-run" : value
        }
        let handler = WebhookHandler(configuration: try Self.configuration(environment).webhook)
        let (decision, _) = handler.handle(event: eventBytes)
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
        return DryRunReport(response: reply.response, events: sent)
    }
}

extension InvokeCommand {
    static func configuration(_ environment: @escaping (String) -> String?) throws -> FunctionConfiguration {
        do {
            return try FunctionConfiguration(environment: environment)
        } catch {
            let hint = error.variable == "INTERCOM_CLIENT_SECRET" ? " (events/README.md has the samples' test secret)" : ""
            throw ValidationError(error.description + hint)
        }
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
