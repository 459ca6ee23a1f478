#if canImport(Glibc)
import Glibc
#endif
import AWSSQS
import CurlHTTP
import FlatJSON
import Synchronization

/// moto's server as SQS, with signature checks on (deploy/local-sqs.py, in the virtual environment
/// deploy/fetch-moto.sh makes). One per test process, shared: each test makes queues of its own.
public final class LocalSQS: Sendable {
    public struct Missing: Error, CustomStringConvertible {
        public let description: String
    }

    public let endpoint: String
    public let region: String
    /// An IAM user's long-term key (no session token).
    public let user: AWSCredentials
    /// A role's temporary credentials, with a session token (as Lambda gives them).
    public let role: AWSCredentials
    /// The delivery queue and its dead-letter queue, as template.yaml makes them.
    public let deliveryQueue: SQSQueueURL
    public let deadLetterQueue: SQSQueueURL
    public let deadLetterQueueARN: String
    /// The authority to trust, when moto serves HTTPS.
    public let caBundlePath: String?
    let process: ChildProcess

    public static var pythonPath: String {
        getenv("MOTO_PYTHON").map { String(cString: $0) } ?? repositoryRoot + "/.build/moto-venv/bin/python"
    }

    /// The shared instance, started on first use (a few seconds: moto is a large Python package).
    public static let shared: Result<LocalSQS, Missing> = starting { try LocalSQS(tls: nil) }

    /// The same over HTTPS, with a certificate from `TestCertificates`.
    public static let sharedTLS: Result<LocalSQS, Missing> = starting { try LocalSQS(tls: try TestCertificates.make()) }

    private static func starting(_ make: () throws -> LocalSQS) -> Result<LocalSQS, Missing> {
        do {
            return .success(try make())
        } catch let error as Missing {
            return .failure(error)
        } catch {
            return .failure(Missing(description: "\(error)"))
        }
    }

    public static func start() throws -> LocalSQS { try shared.get() }

    public static func startTLS() throws -> LocalSQS { try sharedTLS.get() }

    private init(tls: TestCertificates?) throws {
        guard fileExists(Self.pythonPath) else {
            throw Missing(description: "moto is missing at \(Self.pythonPath): run deploy/fetch-moto.sh (make test does)")
        }
        let info = "/tmp/intercom-fullstory-sqs-\(getpid())\(tls == nil ? "" : "-tls").json"
        unlink(info)
        var arguments = [repositoryRoot + "/deploy/local-sqs.py", "--info-file", info]
        if let tls {
            arguments += [
                "--ssl-cert", tls.trusted.certificatePath, "--ssl-key", tls.trusted.keyPath, "--ca-file", tls.authorityPath,
            ]
        }
        caBundlePath = tls?.authorityPath
        process = try ChildProcess(
            executable: Self.pythonPath, arguments: arguments, environment: ["PATH": "/usr/bin:/bin"], outputPath: info + ".log")
        var waited = 0
        while !fileExists(info) {
            guard waited < 600, process.waitForExit(timeoutMilliseconds: 0) == nil else {
                throw Missing(description: "moto did not start: \(process.output)")
            }
            usleep(100_000)
            waited += 1
        }
        let root = try JSONDocument(parsing: readBytes(info)).root
        func text(_ path: String...) throws -> String {
            var value: JSONValue? = root
            for key in path { value = value?[key] }
            guard let string = value?.string else { throw Missing(description: "moto's info lacks \(path)") }
            return string
        }
        endpoint = try text("endpoint")
        region = try text("region")
        user = AWSCredentials(
            accessKeyID: try text("user", "access_key_id"), secretAccessKey: try text("user", "secret_access_key"),
            sessionToken: nil, region: region)
        role = AWSCredentials(
            accessKeyID: try text("role", "access_key_id"), secretAccessKey: try text("role", "secret_access_key"),
            sessionToken: try text("role", "session_token"), region: region)
        guard let delivery = SQSQueueURL(try text("queues", "delivery")),
            let deadLetter = SQSQueueURL(try text("queues", "dead_letter"))
        else { throw Missing(description: "moto gave malformed queue URLs") }
        deliveryQueue = delivery
        deadLetterQueue = deadLetter
        deadLetterQueueARN = try text("queues", "dead_letter_arn")
        unlink(info)
    }

    /// A client signed with the role's temporary credentials (as the function is in Lambda).
    public func client() -> SQSClient {
        SQSClient(credentials: role, options: HTTPClient.Options(caBundlePath: caBundlePath, userAgent: "intercom-fullstory-tests"))
    }

    /// A new delivery queue and dead-letter queue pair, named after `name`, with the template's redrive policy.
    public func makeQueues(_ name: String, visibilityTimeoutSeconds: Int = 60, maxReceiveCount: Int = 12) throws
        -> (delivery: SQSQueueURL, deadLetter: SQSQueueURL)
    {
        let client = client()
        let unique = "\(name)-\(getpid())-\(Self.counter.next())"
        let deadLetter = try client.createQueue(endpoint: endpoint, name: unique + "-dlq")
        let arn = try client.queueAttributes(queue: deadLetter)["QueueArn"] ?? ""
        let redrive = #"{"deadLetterTargetArn":"\#(arn)","maxReceiveCount":\#(maxReceiveCount)}"#
        let delivery = try client.createQueue(
            endpoint: endpoint, name: unique,
            attributes: ["VisibilityTimeout": "\(visibilityTimeoutSeconds)", "RedrivePolicy": redrive])
        return (delivery, deadLetter)
    }

    /// How many messages a queue holds: visible, and in flight (received, not yet visible again).
    public func count(_ queue: SQSQueueURL) throws -> (visible: Int, inFlight: Int) {
        let attributes = try client().queueAttributes(queue: queue)
        return (
            Int(attributes["ApproximateNumberOfMessages"] ?? "") ?? -1,
            Int(attributes["ApproximateNumberOfMessagesNotVisible"] ?? "") ?? -1
        )
    }

    /// The function's environment for this SQS and `queue`.
    public func functionEnvironment(queue: SQSQueueURL, credentials: AWSCredentials? = nil) -> [String: String?] {
        let credentials = credentials ?? role
        return [
            "DELIVERY_QUEUE_URL": queue.url, "AWS_ACCESS_KEY_ID": credentials.accessKeyID,
            "AWS_SECRET_ACCESS_KEY": credentials.secretAccessKey, "AWS_SESSION_TOKEN": credentials.sessionToken,
            "AWS_REGION": credentials.region,
        ]
    }

    private static let counter = Counter()
}

/// Process-wide numbers for unique names.
final class Counter: Sendable {
    private let value = Mutex(0)

    func next() -> Int { value.withLock { $0 += 1; return $0 } }
}
