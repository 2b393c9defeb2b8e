import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Protocol

/// A TCP client that writes raw bytes and collects what comes back, for tests of what the daemon
/// does with peers that say nothing, half-close, or never finish a frame.
struct RawTCPClient {
    let channel: any Channel
    private let received: NIOLockedValueBox<ByteBuffer>

    /// Connects to `port`. A client with `reading: false` reads nothing until ``startReading()``
    /// (with `receiveBuffer` bytes of kernel buffer), like a peer that stopped reading.
    static func connect(port: Int, reading: Bool = true, receiveBuffer: Int? = nil) async throws -> RawTCPClient {
        let received = NIOLockedValueBox(ByteBuffer())
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .channelOption(.autoRead, value: reading)
        if let receiveBuffer { bootstrap = bootstrap.channelOption(.socketOption(.so_rcvbuf), value: receiveBuffer) }
        let channel =
            try await bootstrap
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Collector(received: received)) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawTCPClient(channel: channel, received: received)
    }

    func write(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(channel.allocator.buffer(bytes: bytes)).get()
    }

    /// Sends `messages` as wire frames.
    func send(_ messages: [Message]) async throws {
        var buffer = channel.allocator.buffer(capacity: 256)
        for message in messages { try buffer.writeWireFrame(WireFrame(message: message)) }
        try await channel.writeAndFlush(buffer).get()
    }

    /// Reads from now on (a client created with `reading: false`).
    func startReading() async throws {
        try await channel.setOption(.autoRead, value: true).get()
        channel.read()
    }

    /// Ends the client's sending side; the server may still answer.
    func halfClose() async throws { try await channel.close(mode: .output).get() }

    /// Whether the server closed the connection within `timeout`.
    func closedByServer(within timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if !channel.isActive { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return !channel.isActive
    }

    /// The frames received so far.
    func frames() throws -> [WireFrame] {
        var buffer = received.withLockedValue { $0 }
        let decoder = WireFrameDecoder()
        var frames: [WireFrame] = []
        while let frame = try decoder.decodeFrame(from: &buffer) { frames.append(frame) }
        return frames
    }

    func close() async { try? await channel.close() }

    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let received: NIOLockedValueBox<ByteBuffer>
        init(received: NIOLockedValueBox<ByteBuffer>) { self.received = received }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var bytes = unwrapInboundIn(data)
            received.withLockedValue { $0.writeBuffer(&bytes) }
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            // The server's end of stream: close our side too.
            if event is ChannelEvent, case .inputClosed = event as! ChannelEvent { context.close(promise: nil) }
        }
    }
}
