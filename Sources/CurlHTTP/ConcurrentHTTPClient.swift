#if canImport(Glibc)
import Glibc
#endif
import CCurl
import SystemClock

/// Several requests at once over libcurl's multi interface, on the calling thread: up to `maximumConcurrent`
/// transfers in flight, each on an easy handle kept (with its connection) for the next one. For bulk work such
/// as the backfill; the function itself makes one request at a time with `HTTPClient`.
public final class ConcurrentHTTPClient {
    /// Asks for a request to be made again after a pause (a 429 with `Retry-After`, a backoff).
    public struct Retry: Sendable {
        public var request: HTTPRequest
        public var afterMilliseconds: Int

        public init(request: HTTPRequest, afterMilliseconds: Int) {
            self.request = request
            self.afterMilliseconds = afterMilliseconds
        }
    }

    private struct Pending {
        var index: Int
        var request: HTTPRequest
        var notBefore: UInt64
    }

    public let maximumConcurrent: Int
    private let options: HTTPClient.Options
    /// When retries are due, and the waits for them (network waits are libcurl's own).
    private let time: TimeSource
    private let multi: UnsafeMutableRawPointer
    private var idle: [EasyHandle] = []

    public init(options: HTTPClient.Options, maximumConcurrent: Int, time: TimeSource = .system) throws(HTTPClientError) {
        guard curlGlobalInitialization == CURLE_OK else { throw .setup("curl_global_init failed") }
        guard let multi = curl_multi_init() else { throw .setup("curl_multi_init failed") }
        self.multi = multi
        self.options = options
        self.time = time
        self.maximumConcurrent = max(1, maximumConcurrent)
    }

    deinit {
        idle.removeAll()
        curl_multi_cleanup(multi)
    }

    /// Makes every request, `maximumConcurrent` at a time. `completion` runs on this thread as each transfer ends,
    /// with the request's index; it may return a `Retry` for that index. Returns when nothing is left to do, or
    /// when `shouldStop` says so (then requests not yet started are not made).
    public func run(
        _ requests: [HTTPRequest], shouldStop: () -> Bool = { false },
        completion: (Int, Result<HTTPResponse, HTTPClientError>) -> Retry?
    ) {
        // Requests not yet tried, taken from the end (first request first), and retries waiting for their time.
        var fresh = requests.enumerated().map { Pending(index: $0.offset, request: $0.element, notBefore: 0) }.reversed() as [Pending]
        var delayed: [Pending] = []
        var inFlight: [UnsafeMutableRawPointer: (index: Int, easy: EasyHandle)] = [:]

        func report(_ index: Int, _ result: Result<HTTPResponse, HTTPClientError>) {
            guard let retry = completion(index, result) else { return }
            let notBefore = now() + UInt64(max(0, retry.afterMilliseconds)) * 1_000_000
            delayed.append(Pending(index: index, request: retry.request, notBefore: notBefore))
        }

        /// The next request due now: a retry whose time has come, else a fresh one.
        func nextDue(_ now: UInt64) -> Pending? {
            if let position = delayed.firstIndex(where: { $0.notBefore <= now }) { return delayed.remove(at: position) }
            return fresh.popLast()
        }

        while !fresh.isEmpty || !delayed.isEmpty || !inFlight.isEmpty {
            let current = now()
            while inFlight.count < maximumConcurrent, !shouldStop(), let next = nextDue(current) {
                let easy: EasyHandle
                do throws(HTTPClientError) {
                    if let reused = idle.popLast() { easy = reused } else { easy = try EasyHandle(options: options) }
                    try easy.prepare(next.request, lending: nil)
                } catch {
                    report(next.index, .failure(error))
                    continue
                }
                guard curl_multi_add_handle(multi, easy.handle) == CURLM_OK else {
                    idle.append(easy)
                    report(next.index, .failure(.setup("curl_multi_add_handle failed")))
                    continue
                }
                inFlight[easy.handle] = (next.index, easy)
            }
            if inFlight.isEmpty {
                if shouldStop() { return }
                // Only retries waiting for their time.
                if let soonest = delayed.map(\.notBefore).min() { sleep(until: soonest) }
                continue
            }
            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            var queued: Int32 = 0
            while let message = curl_multi_info_read(multi, &queued) {
                guard ifs_curl_msg_is_done(message) != 0, let handle = ifs_curl_msg_handle(message),
                    let transfer = inFlight.removeValue(forKey: handle)
                else { continue }
                let code = ifs_curl_msg_result(message)
                curl_multi_remove_handle(multi, handle)
                let result: Result<HTTPResponse, HTTPClientError>
                do {
                    result = .success(try transfer.easy.finish(code))
                } catch {
                    result = .failure(error)
                }
                idle.append(transfer.easy)
                report(transfer.index, result)
            }
            if !inFlight.isEmpty {
                // Wake for network activity, or for the next retry that becomes due.
                var timeout = 100
                if let soonest = delayed.map(\.notBefore).min() {
                    let current = now()
                    timeout = soonest <= current ? 0 : min(timeout, Int((soonest - current) / 1_000_000) + 1)
                }
                var ready: Int32 = 0
                curl_multi_poll(multi, nil, 0, Int32(timeout), &ready)
            }
        }
    }

    private func now() -> UInt64 { time.monotonicNanoseconds() }

    private func sleep(until deadline: UInt64) {
        let current = now()
        guard deadline > current else { return }
        // Rounded up: waking before the deadline would only spin.
        time.sleep(Int((deadline - current + 999_999) / 1_000_000))
    }
}
