#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// `count` distinct free TCP ports on 127.0.0.1 for a child process to listen on, each bound here until all are
/// chosen, then released. They come from outside the kernel's ephemeral range where it leaves room
/// (`/proc/sys/net/ipv4/ip_local_port_range`): a port the kernel chose (bind to port 0) is one it hands out again,
/// as the local port of any test's outgoing connection or another stand-in's listener, in the moment between its
/// release here and the child's bind (the emulator's log said "bind: address already in use"). No port is handed
/// out twice in one process.
public func freeLoopbackPorts(_ count: Int) -> [Int] {
    var sockets: [Int32] = []
    defer { for fd in sockets { close(fd) } }
    var ports: [Int] = []
    let candidates = PortChoice.candidates
    for _ in 0..<(count * 1000) where ports.count < count {
        guard let port = PortChoice.claim(Int.random(in: candidates)) else { continue }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        sockets.append(fd)
        if bindLoopback(fd, port: port) { ports.append(port) }
    }
    // A thousand busy candidates in a row: the kernel chooses the rest (still distinct: every socket is held).
    while ports.count < count {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        sockets.append(fd)
        guard bindLoopback(fd, port: 0) else { break }
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        ports.append(Int(UInt16(bigEndian: address.sin_port)))
    }
    return ports
}

/// A free TCP port on 127.0.0.1 (see `freeLoopbackPorts`).
public func freeLoopbackPort() -> Int { freeLoopbackPorts(1)[0] }

/// The ports `freeLoopbackPorts` may choose and those it has chosen.
private enum PortChoice {
    static let handedOut = Mutex<Set<Int>>([])

    /// Ports from 10,000 up to the ephemeral range, or above it when it starts too low to leave room.
    static let candidates: ClosedRange<Int> = {
        let fields = readFile("/proc/sys/net/ipv4/ip_local_port_range").split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
        let low = fields.first.flatMap { Int($0) } ?? 32768
        let high = fields.dropFirst().first.flatMap { Int($0) } ?? 60999
        if low > 20_000 { return 10_000...(low - 1) }
        return high < 55_000 ? (high + 1)...65_535 : 10_000...65_535
    }()

    /// `port`, unless it was handed out before.
    static func claim(_ port: Int) -> Int? {
        handedOut.withLock { $0.insert(port).inserted ? port : nil }
    }
}

/// Binds the socket `fd` to 127.0.0.1:`port`; whether it could.
public func bindLoopback(_ fd: Int32, port: Int) -> Bool {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    } == 0
}
