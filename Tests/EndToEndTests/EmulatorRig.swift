import AWSSQS
import TestSupport

/// What every end-to-end suite starts from: its stand-ins, each named by the variable that points the function at
/// it; fresh queues in moto when asked; and the bootstrap under the emulator with the environment they make.
/// `shutdown()` stops the emulator first (its output checked for secrets and returned), then the stand-ins; it does
/// so once, so a test can `defer` it and still read the output.
final class EmulatorRig {
    /// A stand-in the function is pointed at.
    struct StandIn {
        let variable: String
        let baseURL: String
        let shutdown: @Sendable () -> Void

        static func server(_ server: StandInServer, at variable: String) -> StandIn {
            StandIn(variable: variable, baseURL: server.baseURL, shutdown: { server.shutdown() })
        }
    }

    /// Fresh queues in moto's shared server for one test.
    struct Queues: Sendable {
        let sqs: LocalSQS
        let delivery: SQSQueueURL
        let deadLetter: SQSQueueURL
    }

    let emulator: EmulatorHarness
    let queues: Queues?
    private let stops: [@Sendable () -> Void]
    private var output: String?

    /// - Parameters:
    ///   - queueName: makes fresh queues under this name and gives the function the delivery queue and its
    ///     credentials (`credentials`: others than the role's).
    ///   - namesDeadLetterQueue: gives the function `DEAD_LETTER_QUEUE_URL` too.
    ///   - environment: last, over everything else (a `nil` value removes a variable).
    init(
        standIns: [StandIn], queueName: String? = nil, credentials: AWSCredentials? = nil, namesDeadLetterQueue: Bool = false,
        environment: [String: String?] = [:]
    ) throws {
        stops = standIns.map(\.shutdown)
        do {
            var variables: [String: String?] = [:]
            for standIn in standIns { variables[standIn.variable] = standIn.baseURL }
            if let queueName {
                let sqs = try LocalSQS.start()
                let made = try sqs.makeQueues(queueName)
                for (name, value) in sqs.functionEnvironment(queue: made.delivery, credentials: credentials) { variables[name] = value }
                if namesDeadLetterQueue { variables["DEAD_LETTER_QUEUE_URL"] = made.deadLetter.url }
                queues = Queues(sqs: sqs, delivery: made.delivery, deadLetter: made.deadLetter)
            } else {
                queues = nil
            }
            for (name, value) in environment { variables[name] = value }
            emulator = try EmulatorHarness(environment: variables)
        } catch {
            // The stand-ins were started for this rig: nothing else stops them.
            for stop in stops { stop() }
            throw error
        }
    }

    /// Lambda's event source mapping, by hand, over the delivery queue (nothing without one).
    @discardableResult
    func drain() throws -> (invocations: Int, failures: [String]) {
        guard let queues else { return (0, []) }
        return try emulator.drain(queues.sqs, queue: queues.delivery)
    }

    /// Stops the emulator, then the stand-ins, once; what the emulator and the function wrote.
    @discardableResult
    func shutdown() -> String {
        if let output { return output }
        let written = emulator.stop()
        for stop in stops { stop() }
        output = written
        return written
    }
}
