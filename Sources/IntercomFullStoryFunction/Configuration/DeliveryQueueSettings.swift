import ASCIIText
import AWSSQS
import ServiceSettings

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

    init(queueURL: String, reader: EnvironmentReader) throws(ConfigurationError) {
        guard EnvironmentReader.isAllowedURL(queueURL), let queue = SQSQueueURL(queueURL) else {
            throw ConfigurationError(
                variable: "DELIVERY_QUEUE_URL", problem: "must be an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>)")
        }
        self.queue = queue
        if let url = reader.value("DEAD_LETTER_QUEUE_URL") {
            guard EnvironmentReader.isAllowedURL(url), let deadLetter = SQSQueueURL(url) else {
                throw ConfigurationError(
                    variable: "DEAD_LETTER_QUEUE_URL",
                    problem: "must be an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>)")
            }
            guard deadLetter.endpoint == queue.endpoint else {
                throw ConfigurationError(variable: "DEAD_LETTER_QUEUE_URL", problem: "must be in the delivery queue's region")
            }
            deadLetterQueue = deadLetter
        }
        let setByLambda = "with DELIVERY_QUEUE_URL; Lambda sets it"
        let accessKeyID = try reader.requiredHeaderSafe("AWS_ACCESS_KEY_ID", setByLambda)
        let secret = try reader.requiredHeaderSafe("AWS_SECRET_ACCESS_KEY", setByLambda)
        let token = try reader.headerSafe("AWS_SESSION_TOKEN")
        guard let region = reader.value("AWS_REGION") ?? reader.value("AWS_DEFAULT_REGION") else {
            throw ConfigurationError(variable: "AWS_REGION", problem: "is required (\(setByLambda))")
        }
        guard IdentifierRule(lowercaseOnly: true, punctuation: "-", maximumLength: 64).accepts(region) else {
            throw ConfigurationError(variable: "AWS_REGION", problem: "is not a region name")
        }
        credentials = AWSCredentials(accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: token, region: region)
        let circuitSeconds = try reader.integer("DELIVERY_CIRCUIT_SECONDS", in: 1...3600, "a number of seconds")
        circuitOpenMilliseconds = circuitSeconds.map { $0 * 1000 } ?? CircuitBreaker.defaultOpenMilliseconds
    }
}
