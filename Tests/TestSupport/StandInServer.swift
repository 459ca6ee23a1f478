import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import SystemClock

/// A scriptable HTTP/1.1 server on 127.0.0.1 and a random port, standing in for FullStory, Intercom or the
/// Lambda Runtime API. It records every request and answers with what `respond` says.
public final class StandInServer: Sendable {
    public struct Request: Sendable {
        public var method: String
        public var uri: String
        public var headers: [(String, String)]
        public var body: [UInt8]
        /// Monotonic nanoseconds when the request was complete.
        public var receivedAt: UInt64

        public func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }

        public var bodyText: String { String(decoding: body, as: UTF8.self) }
    }

    public enum Reply: Sendable {
        case respond(status: Int, headers: [(String, String)] = [], body: [UInt8] = [])
        /// Answer after a delay (a slow or hanging peer).
        case delayed(milliseconds: Int64, Reply.Boxed)
        /// Close the connection without answering (mid-response failure).
        case closeConnection

        public final class Boxed: Sendable {
            public let reply: Reply
            public init(_ reply: Reply) { self.reply = reply }
        }

        public static func json(_ status: Int, _ body: String, headers: [(String, String)] = []) -> Reply {
            .respond(status: status, headers: [("Content-Type", "application/json")] + headers, body: Array(body.utf8))
        }
    }

    private let group: MultiThreadedEventLoopGroup
    private let channel: Channel
    private let state: NIOLockedValueBox<[Request]>
    private let connections: NIOLockedValueBox<Int>
    public let port: Int
    /// Served over HTTPS (with a certificate from `TestCertificates`).
    public let usesTLS: Bool

    /// - Parameters:
    ///   - tls: serve HTTPS with this certificate and key, instead of plain HTTP.
    ///   - recordsRequests: false keeps no request (long runs that measure memory); indexes still count.
    ///   - respond: called for each request (on a NIO thread) with the request and its index.
    public init(
        tls: TestCertificates.Identity? = nil, recordsRequests: Bool = true, respond: @escaping @Sendable (Request, Int) -> Reply
    ) throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let state = NIOLockedValueBox<[Request]>([])
        let counter = NIOLockedValueBox(0)
        let connections = NIOLockedValueBox(0)
        let sslContext = try tls.map { identity in
            try NIOSSLContext(
                configuration: TLSConfiguration.makeServerConfiguration(
                    certificateChain: try NIOSSLCertificate.fromPEMFile(identity.certificatePath).map { .certificate($0) },
                    privateKey: .privateKey(try NIOSSLPrivateKey(file: identity.keyPath, format: .pem))))
        }
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                connections.withLockedValue { $0 += 1 }
                return channel.eventLoop.makeCompletedFuture {
                    if let sslContext { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext)) }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(
                        RequestHandler(state: state, counter: counter, recordsRequests: recordsRequests, respond: respond))
                }
            }
        self.group = group
        self.state = state
        self.connections = connections
        usesTLS = tls != nil
        do {
            channel = try bootstrap.bind(host: "127.0.0.1", port: 0).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw error
        }
        port = channel.localAddress?.port ?? 0
    }

    public var baseURL: String { "\(usesTLS ? "https" : "http")://127.0.0.1:\(port)" }
    /// Connections accepted so far (TLS handshakes, when `usesTLS`).
    public var connectionCount: Int { connections.withLockedValue { $0 } }
    public var requests: [Request] { state.withLockedValue { $0 } }

    public func shutdown() {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }

    private final class RequestHandler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let state: NIOLockedValueBox<[Request]>
        let counter: NIOLockedValueBox<Int>
        let recordsRequests: Bool
        let respond: @Sendable (Request, Int) -> Reply
        var head: HTTPRequestHead?
        var body: [UInt8] = []

        init(
            state: NIOLockedValueBox<[Request]>, counter: NIOLockedValueBox<Int>, recordsRequests: Bool,
            respond: @escaping @Sendable (Request, Int) -> Reply
        ) {
            self.state = state
            self.counter = counter
            self.recordsRequests = recordsRequests
            self.respond = respond
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = []
            case .body(var buffer):
                body += buffer.readBytes(length: buffer.readableBytes) ?? []
            case .end:
                guard let head else { return }
                let request = Request(
                    method: head.method.rawValue, uri: head.uri, headers: head.headers.map { ($0.name, $0.value) },
                    body: body, receivedAt: SystemClock.monotonicNanoseconds())
                // One lock for the index and the record, so that `requests[index]` is this request.
                let index = counter.withLockedValue { count in
                    if recordsRequests { state.withLockedValue { $0.append(request) } }
                    count += 1
                    return count - 1
                }
                send(respond(request, index), keepAlive: head.isKeepAlive, context: context)
            }
        }

        private func send(_ reply: Reply, keepAlive: Bool, context: ChannelHandlerContext) {
            switch reply {
            case .closeConnection:
                context.close(promise: nil)
            case .delayed(let milliseconds, let boxed):
                let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: .milliseconds(milliseconds)) {
                    let (handler, context) = loopBound.value
                    handler.send(boxed.reply, keepAlive: keepAlive, context: context)
                }
            case .respond(let status, let headers, let body):
                var responseHeaders = HTTPHeaders(headers)
                responseHeaders.replaceOrAdd(name: "Content-Length", value: "\(body.count)")
                if !keepAlive { responseHeaders.replaceOrAdd(name: "Connection", value: "close") }
                let head = HTTPResponseHead(
                    version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: responseHeaders)
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                if !body.isEmpty {
                    context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
                }
                let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
                if !keepAlive {
                    let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
                    done.whenComplete { _ in boundContext.value.close(promise: nil) }
                }
            }
        }
    }
}
