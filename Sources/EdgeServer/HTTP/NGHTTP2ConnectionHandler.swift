import CNGHTTP2
import NGHTTP2Support
import NIOCore
import NIOHTTP1

/// An HTTP/2 server connection (RFC 9113) on libnghttp2: the last handler of an h2 or h2c
/// pipeline, fed the connection's bytes (after TLS, or after ``HTTPVersionSniffer``).
///
/// nghttp2 does the framing, HPACK (RFC 7541), stream states, flow control and SETTINGS; this
/// handler is the thin shell around its `nghttp2_session`, driven by an
/// ``NGHTTP2SessionDriver`` (bytes in, frames out while the channel is writable), as the
/// client's is. Each request stream gets an ``NGHTTP2Stream`` with its own
/// ``HTTPRequestHandler`` — the same per-request handling as an HTTP/1.1 connection.
///
/// Pointer lifetimes: nghttp2's `user_data` is this handler, unretained; the pipeline owns the
/// handler from `handlerAdded` to `handlerRemoved`, and the session is deleted when the channel
/// goes inactive or the handler is removed, whichever is first, and never from a callback
/// (``NGHTTP2SessionDriver/inSession`` defers it). Callbacks run only inside `mem_recv`, `mem_send` and the submit
/// calls made here. Every pointer nghttp2 passes to a callback (header names and values, DATA
/// chunks, the frame buffer of the data provider) is used within the callback only; the bytes
/// `mem_send` returns are copied before the next call into nghttp2.
final class NGHTTP2ConnectionHandler: NGHTTP2DrivenHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// What the server announces and enforces.
    struct Settings: Sendable {
        /// SETTINGS_MAX_CONCURRENT_STREAMS (every client-sim agent holds one event stream).
        var maxConcurrentStreams = 256
        /// SETTINGS_MAX_HEADER_LIST_SIZE: a larger request header list resets its stream.
        var maxHeaderListBytes = 16 * 1024
        /// SETTINGS_INITIAL_WINDOW_SIZE: the body bytes a stream may send before the server
        /// reads (the protocol's default, stated so that no library default can raise it).
        var initialWindowBytes = 65_535
        /// The connection closes after this long without an open stream.
        var idleTimeout: TimeAmount = .seconds(60)
    }

    /// Per-peer abuse limits handed to nghttp2 (`nghttp2_option_*`).
    enum Limits {
        /// SETTINGS entries per frame, and SETTINGS frames awaiting our ACK (a flood is
        /// answered with GOAWAY ENHANCE_YOUR_CALM).
        static let maxSettings = 32
        /// Queued outbound ACKs (PING/SETTINGS) before the peer is treated as flooding.
        static let maxOutboundAcks = 1_000
        /// RST_STREAM rate, a token bucket (burst, per second): rapid reset (CVE-2023-44487).
        static let resetBurst: UInt64 = 1_000
        static let resetsPerSecond: UInt64 = 33
        /// CONTINUATION frames per header block.
        static let maxContinuations = 8
    }

    let settings: Settings
    private let makeRequestHandler: () -> HTTPRequestHandler
    let driver = NGHTTP2SessionDriver()
    private var session: OpaquePointer? { driver.session }
    private var context: ChannelHandlerContext?
    /// Open request streams by id (see ``NGHTTP2Stream`` for their lifetime).
    private(set) var streams: [Int32: NGHTTP2Stream] = [:]
    /// The stream the last callback asked for: nghttp2 calls back several times in a row for
    /// one stream (each header field, the frame, its DATA), so most lookups skip the table.
    private var recentStream: NGHTTP2Stream?
    private var quiescing = false
    /// The final GOAWAY went out: the connection closes once its open streams end.
    private var goneAway = false
    private let idle: IdleDeadline

    init(settings: Settings, makeRequestHandler: @escaping () -> HTTPRequestHandler) {
        self.settings = settings
        self.makeRequestHandler = makeRequestHandler
        idle = IdleDeadline(timeout: settings.idleTimeout)
    }

    /// The connection's event loop (kept after the channel closes, for late writers).
    private(set) var eventLoop: (any EventLoop)!
    var isWritable: Bool { context?.channel.isWritable ?? false }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        eventLoop = context.eventLoop
        guard let session = NGHTTP2Callbacks.makeServerSession(userData: Unmanaged.passUnretained(self).toOpaque()) else {
            context.close(promise: nil)
            return
        }
        driver.start(session)
        let entries = [
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue), value: UInt32(settings.maxConcurrentStreams)),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue), value: UInt32(settings.maxHeaderListBytes)),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue), value: UInt32(settings.initialWindowBytes)),
        ]
        nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), entries, entries.count)
        armIdle(context: context)
        if context.channel.isActive { sendQueuedFrames() }
    }

    /// A graceful shutdown: GOAWAY with the last stream id processed (RFC 9113 §6.8); open
    /// streams finish, then the connection closes.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        goAway()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }

    // MARK: Called by the streams and the callbacks

    /// Sends what nghttp2 has queued now, or when the current read completes.
    func sendSoon() {
        if driver.shouldSendNow() { sendQueuedFrames() }
    }

    func submitResponse(streamID: Int32, head: HTTPResponseHead, hasBody: Bool) {
        guard let session else { return }
        NGHTTP2Callbacks.submitResponse(session: session, streamID: streamID, head: head, hasBody: hasBody)
    }

    func resumeData(streamID: Int32) {
        guard let session else { return }
        nghttp2_session_resume_data(session, streamID)
    }

    func reset(streamID: Int32) {
        guard let session else { return }
        nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), streamID, NGHTTP2_CANCEL.rawValue)
        sendSoon()
    }

    /// The open stream `id`, if any.
    func stream(_ id: Int32) -> NGHTTP2Stream? {
        if let recentStream, recentStream.id == id { return recentStream }
        recentStream = streams[id]
        return recentStream
    }

    /// A request stream begins (its first HEADERS frame).
    func beginStream(_ id: Int32) {
        let stream = NGHTTP2Stream(id: id, connection: self, handler: makeRequestHandler())
        streams[id] = stream
        recentStream = stream
    }

    /// nghttp2 closed a stream (sent or received END_STREAM both ways, or a reset). The idle
    /// timeout counts from the last stream's end (while any is open the connection is busy).
    func closeStream(_ id: Int32) {
        guard let stream = streams.removeValue(forKey: id) else { return }
        if recentStream === stream { recentStream = nil }
        stream.closed()
        if streams.isEmpty { idle.touch() }
    }

    // MARK: The shell

    func sendQueuedFrames() {
        guard let context, session != nil else { return }
        guard driver.send(context: context) else {
            context.close(promise: nil)
            return
        }
        if driver.isFinished || (goneAway && streams.isEmpty && !driver.wantsWrite) { context.close(promise: nil) }
    }

    /// The graceful GOAWAY of RFC 9113 §6.8: first one with the largest stream id (streams in
    /// flight are still accepted) and a PING; when its ACK arrives, one round trip later, the
    /// final GOAWAY with the last stream processed.
    private func goAway() {
        guard let session, !quiescing else { return }
        quiescing = true
        nghttp2_submit_shutdown_notice(session)
        nghttp2_submit_ping(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), nil)
        sendSoon()
    }

    /// A PING ACK arrived: after the shutdown notice, the final GOAWAY goes out.
    func pingAcknowledged() {
        guard let session, quiescing, !goneAway else { return }
        goneAway = true
        nghttp2_submit_goaway(
            session, UInt8(NGHTTP2_FLAG_NONE.rawValue), nghttp2_session_get_last_proc_stream_id(session),
            NGHTTP2_NO_ERROR.rawValue, nil, 0)
        sendSoon()
    }

    /// The connection gets GOAWAY after `idleTimeout` without an open stream, and is closed
    /// after one more timeout if the peer never acknowledged it.
    private func armIdle(context: ChannelHandlerContext) {
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        idle.arm(on: context.eventLoop) {
            let handler = bound.value
            guard handler.session != nil, let context = handler.context else { return }
            if handler.streams.isEmpty && handler.quiescing {
                context.close(promise: nil)
                return
            }
            if handler.streams.isEmpty { handler.goAway() }
            handler.idle.touch()
            handler.armIdle(context: context)
        }
    }

    func endSession() {
        idle.cancel()
        guard session != nil, sessionCanEnd(on: eventLoop) else { return }
        driver.end()
        let open = streams.values
        streams = [:]
        recentStream = nil
        for stream in open { stream.closed() }
        context = nil
    }
}
