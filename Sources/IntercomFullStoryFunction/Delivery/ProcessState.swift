import CurlHTTP
import Logging

/// What every function of one process shares: whether the loaded libcurl can sign SQS calls (asked, and an answer of
/// no logged, once), FullStory's circuit (a FullStory down for one request is down for all) and the once-per-cause
/// memory of the refusals it logs. Lambda runs one function per process; `serve` runs one per worker thread, each
/// with its own connections, all sharing one of these.
public final class ProcessState: Sendable {
    /// False only with a delivery queue and a libcurl without SigV4: nothing can be queued then.
    let canSignAWSRequests: Bool
    /// `nil` without a (usable) delivery queue: webhooks then wait for FullStory as long as their budget allows.
    let circuit: CircuitBreaker?
    let pinRefusals = OncePerCause()
    let collectorCauses = OncePerCause()

    /// - Parameter canSignAWSRequests: asked only with a delivery queue (tests stand in a libcurl without SigV4).
    public init(
        configuration: FunctionConfiguration, logger: Logger, canSignAWSRequests: () -> Bool = AWSSigV4.isSupportedByLoadedLibcurl
    ) {
        let canSign = configuration.deliveryQueue == nil || canSignAWSRequests()
        if !canSign {
            // Not an init error: webhooks must still be answered. Every would-be hand-off counts as HandoffFailed,
            // and webhooks get the time and the tries they get without a queue (no circuit).
            logger.error(
                "this libcurl cannot sign AWS requests (CURLOPT_AWS_SIGV4): nothing can be queued, and events FullStory cannot take now rest on Intercom's one retry. Deploy with a libcurl of 7.75 or later built with AWS signing"
            )
        }
        self.canSignAWSRequests = canSign
        circuit = canSign ? configuration.deliveryQueue.map { CircuitBreaker(openMilliseconds: $0.circuitOpenMilliseconds) } : nil
    }
}
