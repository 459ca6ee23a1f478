#if canImport(Glibc)
import Glibc
#endif
import TestSupport
import Testing

/// The ports a child process is told to listen on (the emulator's two, moto's): free, distinct, never handed out
/// twice, and outside the range the kernel picks from, where an outgoing connection could take one first.
@Suite struct FreeLoopbackPortsTests {
    @Test func portsAreFreeDistinctAndOutsideTheEphemeralRange() throws {
        let range = readFile("/proc/sys/net/ipv4/ip_local_port_range").split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
        let ephemeral = try #require(Int(range.first ?? "")) ... (try #require(Int(range.dropFirst().first ?? "")))
        let first = freeLoopbackPorts(8)
        let second = freeLoopbackPorts(8)
        #expect(Set(first + second).count == 16)
        // A machine whose ephemeral range leaves no 10,000 ports beside it gets ports from anywhere.
        let roomBeside = ephemeral.lowerBound > 20_000 || ephemeral.upperBound < 55_000
        for port in first + second {
            if roomBeside { #expect(!ephemeral.contains(port), "port \(port) is in the ephemeral range \(ephemeral)") }
            #expect(Self.canListen(port), "port \(port) cannot be bound")
        }
    }

    private static func canListen(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        return bindLoopback(fd, port: port) && listen(fd, 1) == 0
    }
}
