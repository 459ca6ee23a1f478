import CoreMetrics
import IntercomFullStoryFunction
import Prometheus
import Synchronization

/// What `serve` counts, in Prometheus' text format at `GET /metrics`: the function's measures (the EMF line's in
/// Lambda) under Prometheus' names, `intercom_fullstory_<name in snake case>_total` for counts and a histogram in
/// seconds for FullStory's latency (docs/serve.md has the table), and the server's own: requests by status, their
/// duration, and requests refused because every worker was busy.
final class ServeMetrics: Sendable {
    static let prefix = "intercom_fullstory_"
    private let registry = PrometheusCollectorRegistry()
    /// By `Metric.rawValue`; `nil` for FullStory's latency, a histogram.
    private let counts: [CoreMetrics.Counter?]
    private let fullStoryLatency: CoreMetrics.Timer
    private let requestDuration: CoreMetrics.Timer
    private let busy: CoreMetrics.Counter
    private let factory: PrometheusMetricsFactory
    /// `requests_total` by HTTP status, each made on its status's first request.
    private let requests = Mutex<[Int: CoreMetrics.Counter]>([:])

    init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        // Webhooks end within Intercom's 5 s; FullStory's calls within 2 s each.
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5),
        ]
        counts = Metric.allCases.map { $0 == .fullStoryLatency ? nil : CoreMetrics.Counter(label: Self.name($0), factory: factory) }
        fullStoryLatency = CoreMetrics.Timer(label: Self.prefix + "fullstory_latency_seconds", factory: factory)
        requestDuration = CoreMetrics.Timer(label: Self.prefix + "request_duration_seconds", factory: factory)
        busy = CoreMetrics.Counter(label: Self.prefix + "busy_total", factory: factory)
        self.factory = factory
    }

    /// Prometheus' name for a function count: `FullStoryRefusedKey` → `intercom_fullstory_fullstory_refused_key_total`.
    static func name(_ metric: Metric) -> String {
        // The product names are one word each.
        var words = metric.name
        for (name, word) in [("FullStory", "Fullstory"), ("ABsmartly", "Absmartly")] where words.hasPrefix(name) {
            words = word + words.dropFirst(name.count)
        }
        var snake = ""
        for character in words {
            if character.isUppercase, !snake.isEmpty { snake.append("_") }
            snake.append(Character(character.lowercased()))
        }
        return prefix + snake + "_total"
    }

    func record(_ metrics: InvocationMetrics) {
        for metric in Metric.allCases where metrics[metric] > 0 {
            counts[metric.rawValue]?.increment(by: Int64(metrics[metric]))
        }
        if let milliseconds = metrics.fullStoryLatency {
            fullStoryLatency.recordNanoseconds(Int64(milliseconds * 1_000_000))
        }
    }

    func requestFinished(status: Int, seconds: Double) {
        let counter = requests.withLock { counters in
            if let counter = counters[status] { return counter }
            let counter = CoreMetrics.Counter(label: Self.prefix + "requests_total", dimensions: [("status", "\(status)")], factory: factory)
            counters[status] = counter
            return counter
        }
        counter.increment()
        requestDuration.recordNanoseconds(Int64(seconds * 1_000_000_000))
    }

    func refusedBusy() { busy.increment() }

    /// The exposition, in Prometheus' text format.
    func text() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
