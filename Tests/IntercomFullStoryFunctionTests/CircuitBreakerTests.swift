import IntercomFullStoryFunction
import Testing

/// The circuit that lets webhooks queue at once while FullStory keeps failing (times are given, not waited).
@Suite struct CircuitBreakerTests {
    static let second: UInt64 = 1_000_000_000

    @Test func opensAfterThreeFailuresInARowAndProbesAfterTheOpenPeriod() {
        let circuit = CircuitBreaker(openMilliseconds: 30_000)
        circuit.record(available: false, now: 1 * Self.second)
        circuit.record(available: false, now: 2 * Self.second)
        #expect(circuit.allowsRequest(now: 2 * Self.second), "two failures do not open it")
        circuit.record(available: false, now: 3 * Self.second)
        #expect(circuit.state(now: 3 * Self.second) == .open)
        #expect(!circuit.allowsRequest(now: 32 * Self.second))
        #expect(circuit.state(now: 33 * Self.second) == .probing)
        #expect(circuit.allowsRequest(now: 33 * Self.second))
        // A failed probe opens it again at once, for a whole period.
        circuit.record(available: false, now: 34 * Self.second)
        #expect(!circuit.allowsRequest(now: 63 * Self.second))
        #expect(circuit.allowsRequest(now: 64 * Self.second))
        // A successful probe closes it: the failures count from zero again.
        circuit.record(available: true, now: 64 * Self.second)
        #expect(circuit.state(now: 64 * Self.second) == .closed)
        circuit.record(available: false, now: 65 * Self.second)
        circuit.record(available: false, now: 66 * Self.second)
        #expect(circuit.allowsRequest(now: 66 * Self.second))
    }

    @Test func aSuccessBetweenFailuresKeepsItClosed() {
        let circuit = CircuitBreaker()
        for round in 0..<10 {
            circuit.record(available: round % 3 == 2, now: UInt64(round) * Self.second)
        }
        #expect(circuit.state(now: 10 * Self.second) == .closed)
    }
}
