import ArgumentParser
import FileContents
import FlatJSON
import IntercomFullStory
import IntercomFullStoryFunction
import LambdaEvents
import ServiceSettings

/// Wraps an Intercom notification body in a signed API Gateway proxy event, as API Gateway would deliver it.
struct SignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Print an API Gateway event carrying <body.json>, signed with INTERCOM_CLIENT_SECRET."
    )

    enum PayloadFormat: String, ExpressibleByArgument, CaseIterable {
        case v1 = "1.0", v2 = "2.0"
    }

    @Argument(help: "Intercom notification body (omit for HEAD or GET).")
    var body: String?

    @Option(help: "API Gateway payload format: 1.0 (REST API) or 2.0 (HTTP API, Function URL).")
    var payload: PayloadFormat = .v1

    @Option(help: "HTTP method.")
    var method: String = "POST"

    @Option(help: "Path of the request.")
    var path: String = "/intercom"

    @Flag(help: "Base64-encode the body, as API Gateway does for binary media types.")
    var base64 = false

    @Option(help: "Name of the environment variable holding the secret to sign with.")
    var secretVariable: String = "INTERCOM_CLIENT_SECRET"

    func run() throws {
        let bodyBytes = try body.map(FileContents.read) ?? []
        var headers: [(String, String)] = [
            ("Accept", "application/json"), ("User-Agent", "intercom-parrot-service-client/1.0"),
        ]
        if !bodyBytes.isEmpty {
            guard let secret = ProcessEnvironment.variable(secretVariable), !secret.isEmpty else {
                throw ValidationError("set \(secretVariable) to the secret to sign with (events/README.md has the test one)")
            }
            headers.append(("Content-Type", "application/json"))
            headers.append(("X-Hub-Signature", IntercomSignature.sign(body: bodyBytes, secret: Array(secret.utf8))))
        }
        let event = APIGatewayEventBuilder(
            method: method.uppercased(), path: path, headers: headers, body: bodyBytes, base64: base64,
            requestID: IdempotencyKey.uuid5(["request", method, String(decoding: bodyBytes, as: UTF8.self)]))
        FileIO.writeStandardOutput(payload == .v1 ? event.restAPIEvent() : event.httpAPIEvent())
    }
}
