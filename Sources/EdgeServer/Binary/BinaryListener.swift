import Logging
import NIOCore
import NIOPosix
import Protocol
import ServiceLifecycle

/// The binary TCP listener: one child task per connection, each with its own pipeline
/// (frame decoder → inflight limiter → idle timer → `NIOAsyncChannel`), so a client's malformed
/// frame, slowness or crash stays inside its own task.
///
/// On graceful shutdown the listener stops accepting at once; open connections finish what they
/// are doing (an upload in flight runs to its END) and receive `BYE(shutting_down)`, within the
/// service group's grace period.
final class BinaryListener: Service, Sendable {
    let localAddress: SocketAddress
    private let serverChannel: NIOAsyncChannel<AcceptedConnection, Never>
    private let services: SessionServices
    private let outboundLimit: Int
    private let onDrain: @Sendable () -> Void

    /// Connections open and unauthenticated on this listener.
    let gate: ConnectionGate

    /// Binds `binary.host:binary.port`; `onDrain` runs when a graceful shutdown begins.
    init(
        configuration: ServerConfiguration, services: SessionServices, group: any EventLoopGroup,
        onDrain: @escaping @Sendable () -> Void
    ) async throws {
        let codec = CodecConfiguration(maxPayloadLength: configuration.limits.maxFrameBytes)
        let inflightLimit = configuration.limits.sessionInflightBytes
        let idleTimeout = configuration.idleTimeout
        let handshakeTimeout = configuration.handshakeTimeout
        let gate = ConnectionGate(
            maxConnections: configuration.limits.maxConnections,
            maxUnauthenticated: configuration.limits.maxUnauthenticatedConnections)
        let metrics = services.metrics
        let logger = services.logger
        serverChannel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AcceptBackoff.handler(listener: "binary", logger: logger))
                }
            }
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            // A peer that half-closes inside a frame still receives the `truncated` ERROR.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .bind(host: configuration.binary.host, port: configuration.binary.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let admission = gate.admit(channel, handshakeTimeout: handshakeTimeout)
                    if admission == nil { metrics.connectionsRefused(listener: "binary") }
                    // Until WELCOME, nothing but a HELLO is valid: buffer no more than one.
                    let handshake = HandshakeLimit()
                    admission?.whenAuthenticated { handshake.lift() }
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(ByteToMessageHandler(WireFrameDecoder(configuration: codec, handshakeLimit: handshake)))
                    try sync.addHandler(MessageToByteHandler(WireFrameEncoder(configuration: codec)))
                    let limiter = InflightLimiter(limit: inflightLimit)
                    try sync.addHandler(limiter)
                    try sync.addHandler(IdleTimeoutHandler(timeout: idleTimeout))
                    return AcceptedConnection(
                        channel: try NIOAsyncChannel<WireFrame, WireFrame>(wrappingChannelSynchronously: channel),
                        limiter: limiter, admission: admission)
                }
            }
        localAddress = serverChannel.channel.localAddress!
        self.services = services
        outboundLimit = configuration.limits.sessionOutboundBytes
        self.onDrain = onDrain
        self.gate = gate
        logger.info("binary listener ready", metadata: ["address": "\(localAddress)"])
    }

    func run() async throws {
        let serverChannel = self.serverChannel
        let services = self.services
        let outboundLimit = self.outboundLimit
        try await withGracefulShutdownHandler {
            try await serverChannel.executeThenClose { connections in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in connections {
                        services.metrics.binaryConnections.increment()
                        let link = ConnectionLink(
                            channel: connection.channel.channel, limiter: connection.limiter, outboundLimit: outboundLimit
                        ) {
                            services.metrics.errorSent(ProtocolError.Code.slowConsumer.description)
                            services.logger.warning("a client read too slowly and was cut off", metadata: ["limit_bytes": "\(outboundLimit)"])
                        }
                        group.addTask {
                            await BinaryConnection(connection, services: services, link: link).run()
                        }
                    }
                }
            }
        } onGracefulShutdown: { [onDrain] in
            onDrain()
            services.logger.info("binary listener draining: no new connections")
            serverChannel.channel.close(promise: nil)
        }
    }
}

/// A freshly accepted connection and the back-pressure handler in its pipeline.
struct AcceptedConnection: Sendable {
    var channel: NIOAsyncChannel<WireFrame, WireFrame>
    var limiter: InflightLimiter
    /// Its place in the listener's ``ConnectionGate`` (released when the channel closes); nil
    /// when the gate refused it (the connection task closes it at once: failing the
    /// initialiser would end the listener).
    var admission: ConnectionAdmission?
}
