import ASCIIText
import CurlHTTP
import FlatJSON

/// Amazon SQS over its JSON protocol (`POST /` with `X-Amz-Target: AmazonSQS.<Action>`), through our one
/// libcurl client, signed by libcurl (SigV4). Only what this project needs: the function sends and reschedules
/// messages; tests and local runs also create queues, receive and delete. The connection is opened on first use,
/// so a configured queue costs nothing at start-up.
public final class SQSClient {
    public struct SentMessage: Sendable, Equatable {
        public var messageID: String
    }

    public struct ReceivedMessage: Sendable, Equatable {
        public var messageID: String
        public var receiptHandle: String
        public var body: String
        /// System attributes (`ApproximateReceiveCount`, `SentTimestamp`…), all strings as SQS sends them.
        public var attributes: [String: String]
    }

    public struct VisibilityChange: Sendable, Equatable {
        public var receiptHandle: String
        public var visibilityTimeoutSeconds: Int

        public init(receiptHandle: String, visibilityTimeoutSeconds: Int) {
            self.receiptHandle = receiptHandle
            self.visibilityTimeoutSeconds = visibilityTimeoutSeconds
        }
    }

    /// SQS's limit for one batch call.
    public static let maximumBatchSize = 10

    private let credentials: AWSCredentials
    private let options: HTTPClient.Options
    private var http: HTTPClient?

    public init(credentials: AWSCredentials, options: HTTPClient.Options) {
        self.credentials = credentials
        self.options = options
    }

    // MARK: Actions

    public func sendMessage(queue: SQSQueueURL, body: String, timeoutMilliseconds: Int) throws(SQSError) -> SentMessage {
        var writer = JSONWriter(capacity: body.utf8.count + 256)
        writer.beginObject()
        writer.member("QueueUrl", queue.url)
        writer.member("MessageBody", body)
        writer.endObject()
        let answer = try call("SendMessage", endpoint: queue.endpoint, body: writer.bytes, timeoutMilliseconds: timeoutMilliseconds)
        guard let id = answer["MessageId"]?.string, !id.isEmpty else { throw .malformedAnswer("SendMessage without MessageId") }
        return SentMessage(messageID: id)
    }

    /// Changes the visibility of up to ten messages in one call; returns the receipt handles SQS refused, with
    /// its reason for each.
    public func changeMessageVisibility(
        queue: SQSQueueURL, _ changes: [VisibilityChange], timeoutMilliseconds: Int
    ) throws(SQSError) -> [(receiptHandle: String, code: String)] {
        guard !changes.isEmpty else { return [] }
        guard changes.count <= Self.maximumBatchSize else { throw .malformedAnswer("more than 10 entries in one batch") }
        var writer = JSONWriter(capacity: 256 + changes.count * 600)
        writer.beginObject()
        writer.member("QueueUrl", queue.url)
        writer.key("Entries")
        writer.beginArray()
        for (index, change) in changes.enumerated() {
            writer.beginObject()
            writer.member("Id", "m\(index)")
            writer.member("ReceiptHandle", change.receiptHandle)
            writer.member("VisibilityTimeout", change.visibilityTimeoutSeconds)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        let answer = try call(
            "ChangeMessageVisibilityBatch", endpoint: queue.endpoint, body: writer.bytes, timeoutMilliseconds: timeoutMilliseconds)
        return answer["Failed"]?.elements.compactMap { entry in
            guard let id = entry["Id"]?.string, id.hasPrefix("m"), let index = Int(id.dropFirst()), changes.indices.contains(index)
            else { return nil }
            return (changes[index].receiptHandle, entry["Code"]?.string ?? "unknown")
        } ?? []
    }

    public func receiveMessages(
        queue: SQSQueueURL, maximum: Int = 10, waitSeconds: Int = 0, visibilityTimeoutSeconds: Int? = nil,
        timeoutMilliseconds: Int = 25_000
    ) throws(SQSError) -> [ReceivedMessage] {
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.member("QueueUrl", queue.url)
        writer.member("MaxNumberOfMessages", maximum)
        writer.member("WaitTimeSeconds", waitSeconds)
        if let visibilityTimeoutSeconds { writer.member("VisibilityTimeout", visibilityTimeoutSeconds) }
        writer.key("MessageSystemAttributeNames")
        writer.beginArray()
        writer.string("All")
        writer.endArray()
        writer.endObject()
        let answer = try call("ReceiveMessage", endpoint: queue.endpoint, body: writer.bytes, timeoutMilliseconds: timeoutMilliseconds)
        return answer["Messages"]?.elements.compactMap { message in
            guard let id = message["MessageId"]?.string, let handle = message["ReceiptHandle"]?.string,
                let body = message["Body"]?.string
            else { return nil }
            return ReceivedMessage(
                messageID: id, receiptHandle: handle, body: body, attributes: Self.stringMembers(message["Attributes"]))
        } ?? []
    }

    public func deleteMessage(queue: SQSQueueURL, receiptHandle: String, timeoutMilliseconds: Int = 5000) throws(SQSError) {
        var writer = JSONWriter(capacity: 256 + receiptHandle.utf8.count)
        writer.beginObject()
        writer.member("QueueUrl", queue.url)
        writer.member("ReceiptHandle", receiptHandle)
        writer.endObject()
        _ = try call("DeleteMessage", endpoint: queue.endpoint, body: writer.bytes, timeoutMilliseconds: timeoutMilliseconds)
    }

    /// Creates a queue (or finds the one of that name) at `endpoint`; returns its URL.
    public func createQueue(
        endpoint: String, name: String, attributes: [String: String] = [:], timeoutMilliseconds: Int = 5000
    ) throws(SQSError) -> SQSQueueURL {
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.member("QueueName", name)
        writer.key("Attributes")
        writer.beginObject()
        for (key, value) in attributes.sorted(by: { $0.key < $1.key }) { writer.member(key, value) }
        writer.endObject()
        writer.endObject()
        let answer = try call("CreateQueue", endpoint: endpoint, body: writer.bytes, timeoutMilliseconds: timeoutMilliseconds)
        guard let url = answer["QueueUrl"]?.string.flatMap(SQSQueueURL.init) else {
            throw .malformedAnswer("CreateQueue without QueueUrl")
        }
        return url
    }

    /// Queue attributes (`ApproximateNumberOfMessages`, `ApproximateNumberOfMessagesNotVisible`, `QueueArn`…).
    public func queueAttributes(queue: SQSQueueURL, timeoutMilliseconds: Int = 5000) throws(SQSError) -> [String: String] {
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.member("QueueUrl", queue.url)
        writer.key("AttributeNames")
        writer.beginArray()
        writer.string("All")
        writer.endArray()
        writer.endObject()
        let answer = try call("GetQueueAttributes", endpoint: queue.endpoint, body: writer.bytes, timeoutMilliseconds: timeoutMilliseconds)
        return Self.stringMembers(answer["Attributes"])
    }

    /// The string members of an object (SQS sends every attribute as a string).
    private static func stringMembers(_ object: JSONValue?) -> [String: String] {
        var members: [String: String] = [:]
        guard let object else { return members }
        for (name, value) in object.members {
            if let text = value.string { members[name] = text }
        }
        return members
    }

    // MARK: Transport

    /// One signed JSON-protocol call; the answer's root object.
    private func call(_ action: String, endpoint: String, body: [UInt8], timeoutMilliseconds: Int) throws(SQSError) -> JSONValue {
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "application/x-amz-json-1.0"), ("X-Amz-Target", "AmazonSQS." + action),
        ]
        // libcurl signs every header it is given, so the token header is signed too; never sent empty.
        if let token = credentials.sessionToken { headers.append(("X-Amz-Security-Token", token)) }
        let request = HTTPRequest(
            method: "POST", url: endpoint, headers: headers, body: body,
            timeoutMilliseconds: timeoutMilliseconds,
            maximumResponseSize: 1 << 20,
            awsSignature: AWSSigV4(
                region: credentials.region, service: "sqs", accessKeyID: credentials.accessKeyID,
                secretAccessKey: credentials.secretAccessKey))
        let response: HTTPResponse
        do {
            response = try client().perform(request)
        } catch {
            throw .transport(error)
        }
        guard (200..<300).contains(response.status) else {
            throw .refused(status: response.status, code: Self.errorCode(response))
        }
        guard let document = try? JSONDocument(parsing: response.body), document.root.kind == .object else {
            throw .malformedAnswer("\(action) answer is not a JSON object")
        }
        return document.root
    }

    private func client() throws(HTTPClientError) -> HTTPClient {
        if let http { return http }
        let created = try HTTPClient(options: options)
        http = created
        return created
    }

    /// The short error type: `__type` of a JSON error (`com.amazonaws.sqs#QueueDoesNotExist`), else the
    /// `x-amzn-query-error` header, else `<Code>` of an XML error.
    static func errorCode(_ response: HTTPResponse) -> String? {
        if let document = try? JSONDocument(parsing: response.body), let type = document.root["__type"]?.string {
            return shortened(String(type.split(separator: "#").last ?? Substring(type)))
        }
        if let header = response.header("x-amzn-query-error"), let code = header.split(separator: ";").first {
            return shortened(String(code))
        }
        let text = Array(response.body.prefix(4096))
        if let start = text.firstIndex(of: "<Code>".utf8), let end = text.firstIndex(of: "</Code>".utf8, from: start + 6) {
            return shortened(String(decoding: text[(start + 6)..<end], as: UTF8.self))
        }
        return nil
    }

    /// Error codes are identifiers; anything else (or anything long) is not repeated into logs.
    private static func shortened(_ code: String) -> String? { errorCodeRule.accepts(code) ? code : nil }

    private static let errorCodeRule = IdentifierRule(punctuation: "._", maximumLength: 80)
}
