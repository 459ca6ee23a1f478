/// What every function of one process shares: FullStory's circuit (a FullStory down for one request is down for
/// all) and the once-per-cause memory of the refusals it logs. Lambda runs one function per process; `serve` runs
/// one per worker thread, each with its own connections, all sharing one of these.
public final class ProcessState: Sendable {
    /// `nil` without a delivery queue: webhooks then wait for FullStory as long as their budget allows.
    let circuit: CircuitBreaker?
    let pinRefusals = OncePerCause()
    let collectorCauses = OncePerCause()

    public init(configuration: FunctionConfiguration) {
        circuit = configuration.deliveryQueue.map { CircuitBreaker(openMilliseconds: $0.circuitOpenMilliseconds) }
    }
}
