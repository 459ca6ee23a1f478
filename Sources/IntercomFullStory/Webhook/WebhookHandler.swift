import FlatJSON
import LambdaEvents

/// The core: from the bytes of an API Gateway event to a decision. Pure: no I/O, no clock, no randomness, so
/// the same event always gets the same decision.
public struct WebhookHandler: Sendable {
    public let configuration: WebhookConfiguration
    private let mapper: EventMapper
    /// The client secret, prepared for HMAC once; `nil` when signatures are not checked.
    private let signingKey: HMACKey?

    public init(configuration: WebhookConfiguration) {
        self.configuration = configuration
        self.mapper = EventMapper(
            sessionAttribute: configuration.sessionAttribute, inboxBaseURL: configuration.inboxBaseURL,
            pageURLPolicy: configuration.pageURLPolicy,
            forwardsBotReplies: configuration.enabledRoute(for: TopicTable.botReplyTopic) != nil)
        if case .verify(let secret) = configuration.signature { signingKey = HMACKey(secret) } else { signingKey = nil }
    }

    public func handle(event: [UInt8]) -> (decision: WebhookDecision, summary: WebhookRequestSummary) {
        do {
            return handle(document: try JSONDocument(parsing: event))
        } catch {
            return (.reply(.badRequest("event is not JSON: \(error.description)")), WebhookRequestSummary())
        }
    }

    /// The same for an event already parsed.
    public func handle(document: JSONDocument) -> (decision: WebhookDecision, summary: WebhookRequestSummary) {
        var summary = WebhookRequestSummary()
        let request: APIGatewayRequest
        do {
            request = try APIGatewayRequest.decode(document.root, maximumBodySize: configuration.maximumBodySize)
        } catch {
            switch error {
            case .bodyTooLarge: return (.reply(.payloadTooLarge(limit: configuration.maximumBodySize)), summary)
            case .notJSON(let reason): return (.reply(.badRequest("event is not JSON: \(reason)")), summary)
            case .notAnAPIGatewayEvent: return (.reply(.badRequest("not an API Gateway proxy event")), summary)
            case .invalidBase64Body: return (.reply(.badRequest("body is not valid base64")), summary)
            }
        }
        summary.requestID = request.requestID
        summary.method = request.method
        return (decide(request, summary: &summary), summary)
    }

    private func decide(_ request: APIGatewayRequest, summary: inout WebhookRequestSummary) -> WebhookDecision {
        switch request.method {
        case "HEAD", "GET": return .reply(.health(method: request.method))
        case "POST": break
        default: return .reply(.methodNotAllowed(request.method))
        }
        if request.body.count > configuration.maximumBodySize {
            return .reply(.payloadTooLarge(limit: configuration.maximumBodySize))
        }
        // The signature is checked on the raw bytes before any parsing.
        if case .verify = configuration.signature {
            // Without a usable key (libcrypto failed to set it up) nothing is accepted.
            guard let signingKey else { return .reply(.unauthorized(.mismatch)) }
            let verdict = IntercomSignature.verify(
                body: request.body, header: request.headers[IntercomSignature.headerName], key: signingKey)
            guard verdict == .valid else { return .reply(.unauthorized(verdict)) }
        }
        let notification: IntercomNotification
        do {
            notification = try IntercomNotification.decode(request.body)
        } catch {
            switch error {
            case .notJSON(let reason): return .reply(.badRequest("body is not JSON: \(reason)"))
            case .notANotification(let reason): return .reply(.badRequest("not an Intercom notification: \(reason)"))
            }
        }
        summary.notificationID = notification.id
        summary.topic = notification.topic
        summary.appID = notification.appID
        // Correctly signed, but from a workspace not on the list: nothing is sent, and Intercom need not retry.
        guard configuration.allows(appID: notification.appID) else { return .reply(.appNotAllowed) }
        if notification.topic == "ping" { return .reply(.ping) }
        guard let route = configuration.enabledRoute(for: notification.topic) else {
            return .reply(.ignored(topic: notification.topic))
        }
        switch route.subject {
        case .conversation:
            guard let conversation = IntercomConversation(notification.item) else {
                return .reply(.badRequest("\(notification.topic) without a conversation id"))
            }
            return .deliver(mapper.draft(route: route, notification: notification, conversation: conversation))
        case .ticket:
            guard let ticket = IntercomTicket(notification.item) else {
                return .reply(.badRequest("\(notification.topic) without a ticket id"))
            }
            return .deliver(mapper.draft(route: route, notification: notification, ticket: ticket))
        }
    }
}
