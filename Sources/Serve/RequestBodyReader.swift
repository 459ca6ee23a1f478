import Hummingbird
import NIOCore

/// Reads a request's body within a limit, keeping nothing of one that is over it.
enum RequestBodyReader {
    enum Outcome: Sendable {
        case read([UInt8])
        /// Over the limit (by its `Content-Length`, or as it arrived): refused with 413; what came was thrown away.
        case tooLarge
        /// The client went away or broke the body off.
        case failed
        /// The body did not arrive whole in time (a client sending it a few bytes at a time).
        case timedOut
    }

    /// `read`, given at most `milliseconds` (the request's budget): a body that trickles in is not waited for past it.
    /// A body announced over the limit is refused whether or not what follows arrives in time.
    static func read(
        _ body: RequestBody, declaredLength: Int?, limit: Int, discardLimit: Int, withinMilliseconds milliseconds: Int
    ) async -> Outcome {
        let outcome = await withTaskGroup(of: Outcome.self) { group in
            group.addTask { await read(body, declaredLength: declaredLength, limit: limit, discardLimit: discardLimit) }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(milliseconds))
                return .timedOut
            }
            let first = await group.next() ?? .timedOut
            group.cancelAll()
            return first
        }
        if case .timedOut = outcome, let declaredLength, declaredLength > limit { return .tooLarge }
        return outcome
    }

    static func read(_ body: RequestBody, declaredLength: Int?, limit: Int, discardLimit: Int) async -> Outcome {
        if let declaredLength, declaredLength > limit {
            // Read and dropped, so that the client, which sends the whole body before it reads, sees the answer; one
            // announced past the bound is answered at once (what follows is drained by the server, which keeps none
            // of it, and a stalled sender is disconnected by the idle timeout).
            if declaredLength <= discardLimit { await discard(body, upTo: discardLimit) }
            return .tooLarge
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(declaredLength ?? 16 * 1024, limit))
        var iterator = body.makeAsyncIterator()
        do {
            while let chunk = try await iterator.next() {
                guard bytes.count + chunk.readableBytes <= limit else {
                    bytes = []
                    await discard(remainderOf: &iterator, upTo: discardLimit)
                    return .tooLarge
                }
                bytes.append(contentsOf: chunk.readableBytesView)
            }
        } catch {
            return .failed
        }
        return .read(bytes)
    }

    private static func discard(_ body: RequestBody, upTo bound: Int) async {
        var iterator = body.makeAsyncIterator()
        await discard(remainderOf: &iterator, upTo: bound)
    }

    /// Reads and drops what is left, up to `bound` bytes: the client sends the whole body before reading the answer.
    private static func discard(remainderOf iterator: inout RequestBody.AsyncIterator, upTo bound: Int) async {
        var dropped = 0
        while dropped <= bound, let chunk = try? await iterator.next() {
            dropped += chunk.readableBytes
        }
    }
}
