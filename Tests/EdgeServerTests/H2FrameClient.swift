import NIOCore
import NIOHPACK
import NIOHTTP2
import NIOPosix

/// A frame-level HTTP/2 test client: each request without a body goes out as ONE HEADERS frame
/// with END_STREAM, as curl and h2load send it (`SplatHTTPClient` flushes its head before the
/// end, so its GETs end with an empty DATA frame and never take the daemon's fast path). It
/// collects every stream's response frames and the GOAWAY frames the server sends.
final class H2FrameClient: Sendable {
    /// A complete response on one stream.
    struct Response: Sendable {
        var streamID: HTTP2StreamID
        var headers: HPACKHeaders
        var body: ByteBuffer

        var status: String? { headers.first(name: ":status") }
        var text: String { String(buffer: body) }
    }

    struct ResetError: Error {
        var streamID: HTTP2StreamID
        var code: HTTP2ErrorCode
    }

    struct ConnectionClosed: Error {}

    /// The server sent GOAWAY: the client, like a browser, opens no new stream.
    struct GoingAway: Error {}

    let channel: any Channel
    private let collector: NIOLoopBound<FrameCollector>

    static func connect(port: Int) async throws -> H2FrameClient {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([NIOHTTP2Handler(mode: .client), FrameCollector()])
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        let collector = try await channel.eventLoop.submit {
            NIOLoopBound(try channel.pipeline.syncOperations.handler(type: FrameCollector.self), eventLoop: channel.eventLoop)
        }.get()
        return H2FrameClient(channel: channel, collector: collector)
    }

    private init(channel: any Channel, collector: NIOLoopBound<FrameCollector>) {
        self.channel = channel
        self.collector = collector
    }

    /// Opens the next stream with the request; `body` nil sends HEADERS with END_STREAM, a
    /// body sends HEADERS, then DATA with END_STREAM. The future completes with the response;
    /// it fails with ``GoingAway`` once the server has sent GOAWAY.
    func send(
        _ method: String, _ path: String, headers extra: [(String, String)] = [], body: ByteBuffer? = nil
    ) -> EventLoopFuture<Response> {
        let collector = self.collector
        return channel.eventLoop.flatSubmit {
            collector.value.send(method, path, headers: extra, body: body)
        }
    }

    func request(_ method: String, _ path: String, headers: [(String, String)] = [], body: ByteBuffer? = nil) async throws -> Response {
        try await send(method, path, headers: headers, body: body).get()
    }

    /// The last-stream IDs of the GOAWAY frames received so far.
    func goAways() async throws -> [HTTP2StreamID] {
        let collector = self.collector
        return try await channel.eventLoop.submit { collector.value.goAways }.get()
    }

    func close() async { try? await channel.close() }
}

/// Sends requests on consecutive client stream IDs and completes each one's promise at END_STREAM.
private final class FrameCollector: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame
    typealias OutboundOut = HTTP2Frame

    private var context: ChannelHandlerContext?
    private var nextStreamID = HTTP2StreamID(1)
    private var pending: [HTTP2StreamID: (response: H2FrameClient.Response, promise: EventLoopPromise<H2FrameClient.Response>)] = [:]
    private(set) var goAways: [HTTP2StreamID] = []

    private var eventLoop: (any EventLoop)!

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        eventLoop = context.eventLoop
    }

    /// Breaks the handler ↔ context cycle when the pipeline is torn down (AddressSanitizer's
    /// leak check found every closed test connection's pipeline kept alive by it).
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func send(_ method: String, _ path: String, headers extra: [(String, String)], body: ByteBuffer?) -> EventLoopFuture<H2FrameClient.Response> {
        guard goAways.isEmpty else { return eventLoop.makeFailedFuture(H2FrameClient.GoingAway()) }
        // After the pipeline is gone a write would fail the same way.
        guard let context else { return eventLoop.makeFailedFuture(ChannelError.ioOnClosedChannel) }
        let streamID = nextStreamID
        nextStreamID = nextStreamID.advanced(by: 2)
        let promise = context.eventLoop.makePromise(of: H2FrameClient.Response.self)
        pending[streamID] = (H2FrameClient.Response(streamID: streamID, headers: [:], body: ByteBuffer()), promise)
        let headers = HPACKHeaders([(":method", method), (":path", path), (":scheme", "http"), (":authority", "localhost")] + extra)
        let written = context.eventLoop.makePromise(of: Void.self)
        let collector = NIOLoopBound(self, eventLoop: context.eventLoop)
        written.futureResult.whenFailure { error in collector.value.fail(streamID, error) }
        if let body {
            context.write(wrapOutboundOut(HTTP2Frame(streamID: streamID, payload: .headers(.init(headers: headers)))), promise: nil)
            context.writeAndFlush(
                wrapOutboundOut(HTTP2Frame(streamID: streamID, payload: .data(.init(data: .byteBuffer(body), endStream: true)))),
                promise: written)
        } else {
            context.writeAndFlush(
                wrapOutboundOut(HTTP2Frame(streamID: streamID, payload: .headers(.init(headers: headers, endStream: true)))),
                promise: written)
        }
        return promise.futureResult
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.payload {
        case .goAway(let lastStreamID, _, _):
            goAways.append(lastStreamID)
        case .headers(let headers):
            pending[frame.streamID]?.response.headers.add(contentsOf: headers.headers)
            if headers.endStream { finish(frame.streamID) }
        case .data(let data):
            if case .byteBuffer(var bytes) = data.data { pending[frame.streamID]?.response.body.writeBuffer(&bytes) }
            if data.endStream { finish(frame.streamID) }
        case .rstStream(let code):
            fail(frame.streamID, H2FrameClient.ResetError(streamID: frame.streamID, code: code))
        default:
            break
        }
    }

    /// A stream the client opened above a GOAWAY's last stream ID is closed unanswered.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let closed = event as? StreamClosedEvent {
            fail(closed.streamID, H2FrameClient.ConnectionClosed())
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        for streamID in Array(pending.keys) { fail(streamID, H2FrameClient.ConnectionClosed()) }
        context.fireChannelInactive()
    }

    private func finish(_ streamID: HTTP2StreamID) {
        guard let (response, promise) = pending.removeValue(forKey: streamID) else { return }
        promise.succeed(response)
    }

    private func fail(_ streamID: HTTP2StreamID, _ error: any Error) {
        pending.removeValue(forKey: streamID)?.promise.fail(error)
    }
}
