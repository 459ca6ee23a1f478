import Benchmark
import FileContents
import IntercomFullStory

/// CPU time and allocations of the pure core for one realistic closed-conversation webhook: decode the API
/// Gateway event, verify the signature, parse the notification, map it, and encode the FullStory request.
let benchmarks: @Sendable () -> Void = {
    let event = readEvent("events/closed.v1.json")
    let handler = WebhookHandler(
        configuration: WebhookConfiguration(signature: .verify(secret: Array("test-intercom-client-secret".utf8))))

    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .instructions],
        timeUnits: .nanoseconds,  // the target is 30 µs: whole microseconds are too coarse to tell
        warmupIterations: 100,
        scalingFactor: .one,
        maxDuration: .seconds(3),
        maxIterations: 20_000
    )

    Benchmark("closed conversation, event to FullStory request (\(event.count) B event)") { benchmark in
        for _ in benchmark.scaledIterations {
            let (decision, _) = handler.handle(event: event)
            guard case .deliver(let draft) = decision else { fatalError("closed.v1.json must deliver") }
            let body = draft.event(contactSessionAttribute: nil).body()
            blackHole(body)
            blackHole(DeliveryOutcome.delivered(draft.event(contactSessionAttribute: nil)).reply.response.encoded())
        }
    }

    Benchmark("signed ping, event to response") { benchmark in
        let ping = readEvent("events/ping.v1.json")
        for _ in benchmark.scaledIterations {
            guard case .reply(let reply) = handler.handle(event: ping).decision else { fatalError("ping must reply") }
            blackHole(reply.response.encoded())
        }
    }
}

/// Reads a file of the repository (benchmarks run from Benchmarks/).
func readEvent(_ path: String) -> [UInt8] {
    for candidate in ["../" + path, path] {
        if let bytes = try? FileContents.read(candidate) { return bytes }
    }
    fatalError("cannot read \(path): run from the repository or Benchmarks/")
}
