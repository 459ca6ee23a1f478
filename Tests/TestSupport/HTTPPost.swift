#if canImport(Glibc)
import Glibc
#endif

/// A minimal blocking HTTP/1.1 client for tests (one request per connection): the emulator's invoke, `serve`.
public enum TestHTTP {
    public struct Response: Sendable {
        public var status: Int
        public var body: [UInt8]
        /// The status line and headers.
        public var head: String = ""
        public var bodyText: String { String(decoding: body, as: UTF8.self) }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// POSTs `body` to 127.0.0.1:`port``path` with a plain socket; waits at most `timeoutMilliseconds`.
    public static func post(port: Int, path: String, body: [UInt8], timeoutMilliseconds: Int = 15_000) throws -> Response {
        try request(
            port: port, method: "POST", path: path, headers: [("Content-Type", "application/json")], body: body,
            timeoutMilliseconds: timeoutMilliseconds)
    }

    /// One request on a connection of its own (`Connection: close`), read to the connection's end. `declaredLength`
    /// is the `Content-Length` sent in place of the body's own (a client that announces more than it sends).
    public static func request(
        port: Int, method: String, path: String, headers: [(String, String)] = [], body: [UInt8] = [], declaredLength: Int? = nil,
        timeoutMilliseconds: Int = 15_000
    ) throws -> Response {
        guard let fd = connectLoopback(port: port) else { throw Failure(description: "cannot connect to port \(port)") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutMilliseconds / 1000, tv_usec: Int((timeoutMilliseconds % 1000) * 1000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if method != "GET" && method != "HEAD" || !body.isEmpty { head += "Content-Length: \(declaredLength ?? body.count)\r\n" }
        let request = Array((head + "Connection: close\r\n\r\n").utf8) + body
        var sent = 0
        while sent < request.count {
            let written = request[sent...].withUnsafeBufferPointer { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            // The server may answer and close before taking the whole body (a 413): read what it said.
            guard written > 0 else { break }
            sent += written
        }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count < 0 {
                if received.isEmpty { throw Failure(description: "no answer within \(timeoutMilliseconds) ms") }
                break
            }
            if count == 0 { break }
            received += chunk[0..<count]
        }
        guard let split = findHeaderEnd(received) else { throw Failure(description: "malformed HTTP response") }
        let responseHead = String(decoding: received[..<split], as: UTF8.self)
        let status = responseHead.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        var responseBody = Array(received[(split + 4)...])
        if responseHead.lowercased().contains("transfer-encoding: chunked") { responseBody = dechunk(responseBody) }
        return Response(status: status, body: responseBody, head: responseHead)
    }

    /// A TCP connection to 127.0.0.1:`port`, or `nil` when nothing listens there.
    public static func connectLoopback(port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    private static func findHeaderEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4) where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }

    private static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            guard let lineEnd = (index..<(bytes.count - 1)).first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 }) else { break }
            let size = Int(String(decoding: bytes[index..<lineEnd], as: UTF8.self), radix: 16) ?? 0
            if size == 0 { break }
            output += bytes[(lineEnd + 2)..<min(bytes.count, lineEnd + 2 + size)]
            index = lineEnd + 2 + size + 2
        }
        return output
    }
}
