import FlatJSON
import IntercomFullStory
import LambdaEvents

/// The fuzz targets' bodies, shared by the libFuzzer executables and the regression tests. Each checks the
/// promises that must hold for any input and traps (the fuzzer's signal) when one is broken.
public enum WebhookFuzzing {
    public static let secret = Array("fuzz-intercom-client-secret".utf8)
    static let handler = WebhookHandler(
        configuration: WebhookConfiguration(signature: .verify(secret: secret), extraTopics: Set(TopicTable.optionalTopics)))

    /// Arbitrary bytes as the Lambda event, routed as the function routes it: an SQS event's records are
    /// decoded (see `sqsEvent`); anything else never becomes an event to FullStory (nothing here is signed), and
    /// always gets a response API Gateway accepts.
    public static func event(_ bytes: [UInt8]) {
        if let document = try? JSONDocument(parsing: bytes), let batch = SQSEvent(document.root) {
            sqsEvent(batch)
            return
        }
        let (decision, _) = handler.handle(event: bytes)
        switch decision {
        case .deliver:
            fatalError("an unsigned event produced a FullStory event")
        case .reply(let reply):
            checkResponse(reply.response)
        }
    }

    /// Arbitrary bytes as a correctly signed webhook body, so the notification decoder is reached: every
    /// outcome is a valid response, and every FullStory body is valid JSON with a name.
    public static func signedBody(_ body: [UInt8]) {
        // Base64 carries any bytes exactly (a JSON string cannot carry invalid UTF-8).
        let event = APIGatewayEventBuilder(
            method: "POST", path: "/intercom", headers: [("X-Hub-Signature", IntercomSignature.sign(body: body, secret: secret))],
            body: body, base64: true, requestID: "fuzz"
        ).restAPIEvent()
        let (decision, _) = handler.handle(event: event)
        switch decision {
        case .reply(let reply):
            checkResponse(reply.response)
            precondition(reply.response.statusCode != 401, "a correctly signed body was refused as unsigned")
        case .deliver(let draft):
            for contactAttribute in [nil, "1:2", "https://app.fullstory.com/ui/o/session/3%3A4"] as [String?] {
                let event = draft.event(contactSessionAttribute: contactAttribute)
                checkFullStoryBody(event.body(), name: event.name)
                checkFullStoryBody(event.unlinked().body(), name: event.name)
            }
            checkResponse(DeliveryOutcome.delivered(draft.event(contactSessionAttribute: nil)).reply.response)
            // What the webhook would hand to the delivery queue is a message SQS accepts.
            let message = DeliveryMessage(
                event: draft.event(contactSessionAttribute: nil),
                origin: .init(topic: draft.route.topic, notificationID: draft.notificationID, appID: draft.appID),
                reason: .fullStoryUnavailable, queuedAt: 1_700_000_000)
            precondition(sqsAccepts(message.encoded()), "a delivery message holds characters SQS refuses")
        }
    }

    /// Every record of an SQS event gets a verdict, and the batch answer is valid JSON naming the records.
    static func sqsEvent(_ batch: SQSEvent) {
        for record in batch.records { deliveryMessage(Array((record.body ?? "").utf8)) }
        let ids = batch.records.compactMap(\.messageID)
        guard let root = try? JSONDocument(parsing: SQSBatchResponse(failedMessageIDs: ids).encoded()).root else {
            fatalError("the batch response is not JSON")
        }
        precondition(root["batchItemFailures"]?.elements.compactMap { $0["itemIdentifier"]?.string } == ids)
    }

    /// Arbitrary bytes as a delivery queue message: refused, or decoded into an event (or a pin) whose message
    /// encodes back to the same message, with valid FullStory bodies (or a pin that reads back as its session).
    public static func deliveryMessage(_ bytes: [UInt8]) {
        let message: DeliveryMessage
        switch QueuedMessage.decode(String(decoding: bytes, as: UTF8.self)) {
        case .failure: return
        case .success(.pin(let pin)):
            precondition(QueuedMessage.decode(pin.encoded()) == .success(.pin(pin)), "a pin message does not round-trip")
            precondition(sqsAccepts(pin.encoded()), "a re-encoded pin message holds characters SQS refuses")
            precondition(FullStorySessionID(parsing: pin.pin.attributeValue) == pin.pin.session, "a pin's value is not its session")
            return
        case .success(.delivery(let decoded)): message = decoded
        }
        precondition(DeliveryMessage.decode(message.encoded()) == .success(message), "a message does not round-trip")
        precondition(sqsAccepts(message.encoded()), "a re-encoded message holds characters SQS refuses")
        switch message.request {
        case .fullStory(let event):
            checkFullStoryBody(event.body(), name: event.name)
            checkFullStoryBody(event.unlinked().body(), name: event.name)
        case .abSmartly(let publish):
            // One unit, hashed as the SDKs hash; one goal with a millisecond moment; the body reads back the same.
            guard let root = try? JSONDocument(parsing: publish.body()).root else { fatalError("a publish body is not JSON") }
            precondition(ABsmartlyPublish(decodingBody: root) == publish, "a publish body does not round-trip")
            precondition(publish.unitUID.utf8.count == 22 && root["hashed"]?.bool == true, "a publish unit is not hashed")
        }
    }

    /// SQS's rule for a message body: #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF.
    /// (A Swift string cannot hold a lone surrogate, so those are ruled out by construction.)
    public static func sqsAccepts(_ body: String) -> Bool {
        body.unicodeScalars.allSatisfy { scalar in
            let value = scalar.value
            return value == 0x9 || value == 0xA || value == 0xD || (0x20...0xD7FF).contains(value)
                || (0xE000...0xFFFD).contains(value) || (0x10000...0x10FFFF).contains(value)
        }
    }

    static func checkResponse(_ response: APIGatewayResponse) {
        precondition([200, 400, 401, 405, 413].contains(response.statusCode), "unexpected status \(response.statusCode)")
        guard let root = try? JSONDocument(parsing: response.encoded()).root else {
            fatalError("the proxy response is not JSON")
        }
        precondition(root["statusCode"]?.int == response.statusCode && root["body"]?.kind == .string)
    }

    static func checkFullStoryBody(_ body: [UInt8], name: String) {
        guard let root = try? JSONDocument(parsing: body).root else { fatalError("a FullStory body is not JSON") }
        precondition(root["name"]?.string == name, "the FullStory body lost its name")
        precondition(!(root["session", "id"] != nil && root["user"] != nil), "session.id sent together with a user")
    }
}
