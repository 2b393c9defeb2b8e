import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Protocol

/// A binary-protocol connection to `edge-serverd`.
///
/// Requests (``request(_:)``) get a fresh request id and wait for the frame that echoes it
/// (`WELCOME`, `ACK`, `PONG` or `ERROR`); everything else the server sends (`SCHEDULE`, `FRAME`,
/// `BYE`, unsolicited `ERROR`) arrives on ``pushes``. Fire-and-forget messages such as `POSE` go
/// through ``send(_:version:)`` or ``send(batch:version:)``.
public final class SplatConnection: Sendable {
    private let channel: any Channel
    private let pending = NIOLockedValueBox(PendingRequests())
    /// Server-initiated frames, in arrival order; finishes when the connection closes.
    public let pushes: AsyncStream<WireFrame>
    private let pushContinuation: AsyncStream<WireFrame>.Continuation

    private struct PendingRequests {
        var nextID: UInt32 = 1
        var waiting: [UInt32: CheckedContinuation<WireFrame, any Error>] = [:]
        var closed = false
    }

    /// Connects to `host:port`.
    public static func connect(
        host: String, port: Int, codec: CodecConfiguration = CodecConfiguration(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> SplatConnection {
        let (stream, continuation) = AsyncStream<WireFrame>.makeStream()
        let box = NIOLockedValueBox<SplatConnection?>(nil)
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(RawBytesPassthrough(), name: RawBytesPassthrough.name)
                    try sync.addHandler(ByteToMessageHandler(WireFrameDecoder(configuration: codec)))
                    try sync.addHandler(MessageToByteHandler(WireFrameEncoder(configuration: codec)))
                    try sync.addHandler(FrameDispatcher { event in box.withLockedValue { $0 }?.dispatch(event) })
                }
            }
            .connect(host: host, port: port).get()
        let connection = SplatConnection(channel: channel, pushes: stream, continuation: continuation)
        box.withLockedValue { $0 = connection }
        return connection
    }

    private init(channel: any Channel, pushes: AsyncStream<WireFrame>, continuation: AsyncStream<WireFrame>.Continuation) {
        self.channel = channel
        self.pushes = pushes
        pushContinuation = continuation
    }

    /// Sends a request and waits for the frame that answers it.
    ///
    /// - Throws: ``SplatClientError/closed`` when the connection ends first.
    public func request(_ message: Message, version: UInt8 = ProtocolVersion.implemented.upperBound) async throws -> WireFrame {
        try await withCheckedThrowingContinuation { continuation in
            let id: UInt32? = pending.withLockedValue { pending in
                guard !pending.closed else { return nil }
                let id = pending.nextID
                pending.nextID &+= 1
                if pending.nextID == 0 { pending.nextID = 1 }
                pending.waiting[id] = continuation
                return id
            }
            guard let id else {
                continuation.resume(throwing: SplatClientError.closed)
                return
            }
            let frame = WireFrame(version: version, requestID: id, message: message)
            channel.writeAndFlush(frame).whenFailure { [weak self] error in
                self?.pending.withLockedValue { $0.waiting.removeValue(forKey: id) }?.resume(throwing: error)
            }
        }
    }

    /// Sends a message that expects no answer.
    public func send(_ message: Message, version: UInt8 = ProtocolVersion.implemented.upperBound) async throws {
        try await channel.writeAndFlush(WireFrame(version: version, message: message)).get()
    }

    /// Sends several messages that expect no answer in one flush, returning once the socket has
    /// taken them (so a fast sender is paced by TCP instead of queueing without bound).
    public func send(batch messages: [Message], version: UInt8 = ProtocolVersion.implemented.upperBound) async throws {
        guard let last = messages.last else { return }
        for message in messages.dropLast() {
            channel.write(WireFrame(version: version, message: message), promise: nil)
        }
        try await channel.writeAndFlush(WireFrame(version: version, message: last)).get()
    }

    /// Writes raw bytes, bypassing the encoder (to test how the server handles malformed frames).
    public func sendRaw(_ bytes: [UInt8]) async throws {
        let channel = self.channel
        let buffer = channel.allocator.buffer(bytes: bytes)
        try await channel.eventLoop.flatSubmit {
            // Written from the handler next to the socket, so the frame encoder never sees it.
            do {
                let context = try channel.pipeline.syncOperations.context(name: RawBytesPassthrough.name)
                return context.writeAndFlush(NIOAny(buffer))
            } catch {
                return channel.eventLoop.makeFailedFuture(error)
            }
        }.get()
    }

    /// Completes when the connection has closed.
    public func waitUntilClosed() async {
        try? await channel.closeFuture.get()
    }

    /// Closes the connection (without BYE; use ``send(_:version:)`` with `.bye` first to be polite).
    public func close() async {
        try? await channel.close()
    }

    private func dispatch(_ event: FrameDispatcher.Event) {
        switch event {
        case .frame(let frame):
            let isAnswer: Bool
            switch frame.message {
            case .welcome, .ack, .pong, .error: isAnswer = frame.requestID != 0
            default: isAnswer = false
            }
            if isAnswer, let waiter = pending.withLockedValue({ $0.waiting.removeValue(forKey: frame.requestID) }) {
                waiter.resume(returning: frame)
            } else {
                pushContinuation.yield(frame)
            }
        case .closed(let error):
            let waiters = pending.withLockedValue { pending in
                pending.closed = true
                defer { pending.waiting.removeAll() }
                return Array(pending.waiting.values)
            }
            for waiter in waiters { waiter.resume(throwing: error ?? SplatClientError.closed) }
            pushContinuation.finish()
        }
    }
}

/// Errors of the client library.
public enum SplatClientError: Error, Equatable, Sendable {
    /// The connection closed before an answer arrived.
    case closed
    /// The server answered a request with `ERROR`.
    case server(ProtocolError)
    /// The server answered with a message the request does not expect.
    case unexpectedAnswer(MessageType)
    /// An HTTP request failed with this status.
    case http(status: Int, body: String)
}

/// Forwards decoded frames and the connection's end to the ``SplatConnection``.
private final class FrameDispatcher: ChannelInboundHandler, Sendable {
    typealias InboundIn = WireFrame

    enum Event {
        case frame(WireFrame)
        case closed((any Error)?)
    }

    private let sink: @Sendable (Event) -> Void

    init(sink: @escaping @Sendable (Event) -> Void) { self.sink = sink }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) { sink(.frame(unwrapInboundIn(data))) }

    func channelInactive(context: ChannelHandlerContext) {
        sink(.closed(nil))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        sink(.closed(error))
        context.close(promise: nil)
    }
}

/// Marks the pipeline position next to the socket, below the frame encoder.
private final class RawBytesPassthrough: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    static let name = "splatedge.raw"
}
