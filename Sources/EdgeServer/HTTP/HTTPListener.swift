import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOExtras
import NIOHTTP1
import NIOHTTP2
import NIOPosix
import NIOSSL
import ServiceLifecycle

/// The HTTP listener: h2c with prior knowledge and HTTP/1.1 on the plaintext port, or h2 and
/// HTTP/1.1 negotiated by ALPN when TLS is configured.
///
/// HTTP is served by classic channel handlers rather than per-connection tasks: requests are
/// small and independent, and the handler path keeps `/healthz` on the event loop (see
/// docs/PERFORMANCE.md). A graceful shutdown stops accepting, sends GOAWAY on HTTP/2 and
/// `connection: close` on HTTP/1 (through `ServerQuiescingHelper` and
/// ``NGHTTP2ConnectionHandler``), lets in-flight requests finish, and closes
/// whatever is left when the grace period ends.
final class HTTPListener: Service, Sendable {
    let localAddress: SocketAddress
    private let serverChannel: any Channel
    private let quiescing: ServerQuiescingHelper
    private let grace: TimeAmount
    private let logger: Logger

    /// Connections open and unauthenticated on this listener.
    let gate: ConnectionGate
    /// Says BYE on every event stream when the drain begins.
    private let onDrain: @Sendable () -> Void

    /// Binds the listener; requests are served from now on.
    init(
        configuration: ServerConfiguration, router: HTTPRouter, group: any EventLoopGroup, metrics: ServerMetrics, logger: Logger,
        onDrain: @escaping @Sendable () -> Void = {}
    ) async throws {
        let sslContext = try configuration.tlsEnabled ? Self.makeSSLContext(configuration) : nil
        let maxBody = configuration.limits.httpMaxBodyBytes
        let idleTimeout = configuration.idleTimeout
        let handshakeTimeout = configuration.handshakeTimeout
        let gate = ConnectionGate(
            maxConnections: configuration.limits.maxConnections,
            maxUnauthenticated: configuration.limits.maxUnauthenticatedConnections)
        let quiescing = ServerQuiescingHelper(group: group)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(AcceptBackoff.handler(listener: "http", logger: logger))
                    try sync.addHandler(quiescing.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                metrics.httpConnections.increment()
                guard let admission = gate.admit(channel, handshakeTimeout: handshakeTimeout) else {
                    metrics.connectionsRefused(listener: "http")
                    channel.close(promise: nil)
                    return channel.eventLoop.makeSucceededVoidFuture()
                }
                let http1: @Sendable (any Channel) throws -> Void = { channel in
                    try Self.configureHTTP1(channel, router: router, maxBody: maxBody, admission: admission)
                }
                let http2: @Sendable (any Channel) throws -> Void = { channel in
                    try Self.configureHTTP2(channel, router: router, maxBody: maxBody, idleTimeout: idleTimeout, admission: admission)
                }
                do {
                    try channel.pipeline.syncOperations.addHandler(
                        HTTPConnectionIdleHandler(timeout: idleTimeout), name: HTTPConnectionIdleHandler.name)
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
                if let sslContext {
                    return channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                    }.flatMap {
                        channel.configureHTTP2SecureUpgrade(
                            h2ChannelConfigurator: { channel in channel.eventLoop.makeCompletedFuture { try http2(channel) } },
                            http1ChannelConfigurator: { channel in channel.eventLoop.makeCompletedFuture { try http1(channel) } })
                    }
                }
                return channel.eventLoop.makeCompletedFuture {
                    let sniffer = HTTPVersionSniffer { channel, isHTTP2 in
                        try (isHTTP2 ? http2(channel) : http1(channel))
                    }
                    try channel.pipeline.syncOperations.addHandler(sniffer)
                }
            }
        serverChannel = try await bootstrap.bind(host: configuration.http.host, port: configuration.http.port).get()
        localAddress = serverChannel.localAddress!
        drainPromise = serverChannel.eventLoop.makePromise()
        self.quiescing = quiescing
        self.gate = gate
        self.onDrain = onDrain
        grace = configuration.shutdownGrace
        self.logger = logger
        logger.info(
            "HTTP listener ready",
            metadata: ["address": "\(localAddress)", "tls": "\(configuration.tlsEnabled)"])
    }

    /// Serves until a graceful shutdown (or cancellation) drains the listener.
    func run() async throws {
        try await withTaskCancellationOrGracefulShutdownHandler {
            try await serverChannel.closeFuture.get()
        } onCancelOrGracefulShutdown: {
            self.drain()
        }
        // Wait for the quiesced connections (bounded by the grace period in drain()).
        try? await drainPromise.futureResult.get()
    }

    /// Completed when every connection closed after the quiesce, or when the grace period ends.
    private let drainPromise: EventLoopPromise<Void>

    private func drain() {
        logger.info("HTTP listener draining", metadata: ["grace": "\(grace)"])
        onDrain()
        let promise = serverChannel.eventLoop.makePromise(of: Void.self)
        quiescing.initiateShutdown(promise: promise)
        let drainPromise = self.drainPromise
        let finished = NIOLockedValueBox(false)
        let finish: @Sendable () -> Void = {
            if finished.withLockedValue({ done in
                defer { done = true }; return !done
            }) {
                drainPromise.succeed()
            }
        }
        promise.futureResult.whenComplete { _ in finish() }
        // After the grace period, stop waiting: the process exits and the kernel closes the rest.
        serverChannel.eventLoop.scheduleTask(in: grace) { finish() }
    }

    private static func configureHTTP1(_ channel: any Channel, router: HTTPRouter, maxBody: Int, admission: ConnectionAdmission) throws {
        let sync = channel.pipeline.syncOperations
        try sync.configureHTTPServerPipeline(withErrorHandling: true)
        try sync.addHandler(HTTPRequestHandler(router: router, maxBodyBytes: maxBody, isHTTP2Stream: false, admission: admission))
    }

    /// The libnghttp2 connection handler (``NGHTTP2ConnectionHandler``): framing, HPACK, flow
    /// control, GOAWAY on quiesce and the idle timeout (no open stream), one
    /// ``HTTPRequestHandler`` per stream.
    private static func configureHTTP2(
        _ channel: any Channel, router: HTTPRouter, maxBody: Int, idleTimeout: TimeAmount, admission: ConnectionAdmission
    ) throws {
        let sync = channel.pipeline.syncOperations
        // The connection's idle timer (no open stream) takes over from the byte-level one.
        sync.removeHandler(context: try sync.context(name: HTTPConnectionIdleHandler.name), promise: nil)
        var settings = NGHTTP2ConnectionHandler.Settings()
        settings.idleTimeout = idleTimeout
        try sync.addHandler(
            NGHTTP2ConnectionHandler(settings: settings) {
                HTTPRequestHandler(router: router, maxBodyBytes: maxBody, isHTTP2Stream: true, admission: admission)
            })
    }

    private static func makeSSLContext(_ configuration: ServerConfiguration) throws -> NIOSSLContext {
        let chain = try NIOSSLCertificate.fromPEMFile(configuration.tlsCertificatePath!).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: configuration.tlsPrivateKeyPath!, format: .pem)
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        tls.applicationProtocols = NIOHTTP2SupportedALPNProtocols
        return try NIOSSLContext(configuration: tls)
    }
}
