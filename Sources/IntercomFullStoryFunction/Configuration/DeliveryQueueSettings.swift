import AWSSQS

/// Durable delivery's settings: the queue (`DELIVERY_QUEUE_URL`), the credentials Lambda gives the function
/// (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION`), and how long webhooks
/// skip FullStory after it failed several times in a row (`DELIVERY_CIRCUIT_SECONDS`).
public struct DeliveryQueueSettings: Sendable {
    public var queue: SQSQueueURL
    /// `DEAD_LETTER_QUEUE_URL`: where the function itself moves a message whose retry schedule is over (the copy
    /// then gets the dead-letter queue's full retention); `nil` leaves that to the queue's redrive policy.
    public var deadLetterQueue: SQSQueueURL?
    public var credentials: AWSCredentials
    public var circuitOpenMilliseconds: Int

    /// `value` gives a variable's trimmed, non-empty value by name.
    init(queueURL: String, value: (String) -> String?) throws(ConfigurationError) {
        guard FunctionConfiguration.isAllowedURL(queueURL), let queue = SQSQueueURL(queueURL) else {
            throw ConfigurationError(
                variable: "DELIVERY_QUEUE_URL", problem: "must be an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>)")
        }
        self.queue = queue
        if let url = value("DEAD_LETTER_QUEUE_URL") {
            guard FunctionConfiguration.isAllowedURL(url), let deadLetter = SQSQueueURL(url) else {
                throw ConfigurationError(
                    variable: "DEAD_LETTER_QUEUE_URL",
                    problem: "must be an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>)")
            }
            guard deadLetter.endpoint == queue.endpoint else {
                throw ConfigurationError(variable: "DEAD_LETTER_QUEUE_URL", problem: "must be in the delivery queue's region")
            }
            deadLetterQueue = deadLetter
        }
        func required(_ name: String) throws(ConfigurationError) -> String {
            guard let text = value(name) else {
                throw ConfigurationError(variable: name, problem: "is required with DELIVERY_QUEUE_URL (Lambda sets it)")
            }
            guard text.isHeaderSafe else { throw ConfigurationError(variable: name, problem: "contains spaces or control characters") }
            return text
        }
        let accessKeyID = try required("AWS_ACCESS_KEY_ID")
        let secret = try required("AWS_SECRET_ACCESS_KEY")
        let token = value("AWS_SESSION_TOKEN")
        if let token, !token.isHeaderSafe {
            throw ConfigurationError(variable: "AWS_SESSION_TOKEN", problem: "contains spaces or control characters")
        }
        guard let region = value("AWS_REGION") ?? value("AWS_DEFAULT_REGION") else {
            throw ConfigurationError(variable: "AWS_REGION", problem: "is required with DELIVERY_QUEUE_URL (Lambda sets it)")
        }
        guard region.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "-") })
        else { throw ConfigurationError(variable: "AWS_REGION", problem: "is not a region name") }
        credentials = AWSCredentials(accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: token, region: region)
        if let text = value("DELIVERY_CIRCUIT_SECONDS") {
            guard let seconds = Int(text), (1...3600).contains(seconds) else {
                throw ConfigurationError(variable: "DELIVERY_CIRCUIT_SECONDS", problem: "must be a number of seconds from 1 to 3600")
            }
            circuitOpenMilliseconds = seconds * 1000
        } else {
            circuitOpenMilliseconds = CircuitBreaker.defaultOpenMilliseconds
        }
    }
}
