import CNGHTTP2
import NGHTTP2Support
import NIOCore
import NIOHTTP1

/// An HTTP/2 client connection (RFC 9113, h2c with prior knowledge) on libnghttp2, the same
/// library as the daemon's server side and h2load: the last handler of a TCP channel.
///
/// nghttp2 does the preface, framing, HPACK, stream states, flow control (it returns the
/// window as response DATA arrives) and the server's concurrency limit (requests beyond it
/// wait in nghttp2's queue); this handler feeds it the connection's bytes
/// and writes what it produces through an ``NGHTTP2SessionDriver`` (as the daemon's server
/// connections do) and hands each response to its ``Exchange`` as it arrives.
///
/// Pointer lifetimes: nghttp2's `user_data` is this handler, unretained; the pipeline owns the
/// handler from `handlerAdded` to `handlerRemoved`, and the session is deleted when the channel
/// goes inactive or the handler is removed, never from a callback. Callbacks run only inside
/// `mem_recv`, `mem_send` and the submit calls made here; every pointer they get is used within
/// the callback, and request bodies are copied into nghttp2's frame buffer by the data
/// provider, which finds its exchange by stream id (no pointer into Swift memory is left with
/// nghttp2). Every method runs on the channel's event loop.
final class NGHTTP2ClientHandler: NGHTTP2DrivenHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// A response's parts, as the server sends them; the sequence ends after the last body part
    /// and throws ``SplatClientError/closed`` when the stream ends before the response does.
    typealias ResponseParts = AsyncThrowingStream<ResponsePart, any Error>

    /// One part of a response.
    enum ResponsePart: Sendable {
        case head(HTTPResponseHead)
        case body(ByteBuffer)
    }

    /// One request: its target, fields and body.
    struct Request: Sendable {
        var method: HTTPMethod
        var path: String
        var authority: String
        var headers: HTTPHeaders
        var body: ByteBuffer
    }

    /// One request in flight: the body still to send and the response as it arrives.
    final class Exchange {
        var requestBody: ByteBuffer
        private let parts: ResponseParts.Continuation
        private var status: Int?
        private var headers = HTTPHeaders()
        private var complete = false

        init(requestBody: ByteBuffer, parts: ResponseParts.Continuation) {
            self.requestBody = requestBody
            self.parts = parts
        }

        func addField(name: String, value: String) {
            if name == ":status" { status = Int(value) } else if !name.hasPrefix(":") { headers.add(name: name, value: value) }
        }

        /// The response's header block ended: informational (1xx) heads are skipped, the final one
        /// is handed on.
        func headEnded() {
            defer { (status, headers) = (nil, HTTPHeaders()) }
            guard let status, status >= 200 else { return }
            parts.yield(.head(HTTPResponseHead(version: .http2, status: HTTPResponseStatus(statusCode: status), headers: headers)))
        }

        func received(_ bytes: ByteBuffer) { parts.yield(.body(bytes)) }

        func responseEnded() { complete = true }

        /// The stream closed: the response ends, or fails if it was incomplete.
        func finish() {
            if complete { parts.finish() } else { parts.finish(throwing: SplatClientError.closed) }
        }
    }

    let driver = NGHTTP2SessionDriver()
    private var session: OpaquePointer? { driver.session }
    private var context: ChannelHandlerContext?
    /// Requests in flight by stream id.
    private(set) var exchanges: [Int32: Exchange] = [:]
    init() {}

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        guard let session = NGHTTP2ClientCallbacks.makeClientSession(userData: Unmanaged.passUnretained(self).toOpaque()) else {
            context.close(promise: nil)
            return
        }
        driver.start(session)
        // No server push (RFC 9113 §8.4); everything else at the protocol's defaults.
        let entries = [nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_ENABLE_PUSH.rawValue), value: 0)]
        nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), entries, entries.count)
        if context.channel.isActive { sendQueuedFrames() }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }

    // MARK: Requests

    /// Submits `request` (pseudo-header fields first, RFC 9113 §8.3.1) and hands its response
    /// to `parts`; a request on a closed connection fails at once.
    func submit(_ request: Request, parts: ResponseParts.Continuation) {
        guard let session, context != nil else {
            parts.finish(throwing: SplatClientError.closed)
            return
        }
        var block = NGHTTP2HeaderBlock(fields: request.headers.count + 4)
        block.append(":method", request.method.rawValue)
        block.append(":scheme", "http")
        block.append(":authority", request.authority)
        block.append(":path", request.path)
        for (name, value) in request.headers where name.lowercased() != "host" { block.append(name, value) }
        let hasBody = request.body.readableBytes > 0
        let streamID = block.withNameValues { list, count in
            if hasBody {
                var provider = nghttp2_data_provider(
                    source: nghttp2_data_source(ptr: nil), read_callback: NGHTTP2ClientCallbacks.readRequestBody)
                return nghttp2_submit_request(session, nil, list, count, &provider, nil)
            }
            return nghttp2_submit_request(session, nil, list, count, nil, nil)
        }
        guard streamID > 0 else {
            parts.finish(throwing: SplatClientError.closed)
            return
        }
        exchanges[streamID] = Exchange(requestBody: request.body, parts: parts)
        // A caller that stops reading (an error, a cancelled task) resets the stream.
        let bound = NIOLoopBound(self, eventLoop: context!.eventLoop)
        parts.onTermination = { termination in
            guard case .cancelled = termination else { return }
            bound.eventLoop.execute { bound.value.cancel(streamID: streamID) }
        }
        sendSoon()
    }

    private func cancel(streamID: Int32) {
        guard let session, exchanges[streamID] != nil else { return }
        nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), streamID, NGHTTP2_CANCEL.rawValue)
        sendSoon()
    }

    /// nghttp2 closed the stream, or its request could not be sent.
    func endExchange(_ streamID: Int32) {
        exchanges.removeValue(forKey: streamID)?.finish()
    }

    // MARK: The shell

    private func sendSoon() {
        if driver.shouldSendNow() { sendQueuedFrames() }
    }

    func sendQueuedFrames() {
        guard let context, session != nil else { return }
        if !driver.send(context: context) || driver.isFinished { context.close(promise: nil) }
    }

    func endSession() {
        guard session != nil else { return }
        // The context lives as long as the session (both end here).
        if let eventLoop = context?.eventLoop, !sessionCanEnd(on: eventLoop) { return }
        driver.end()
        let open = exchanges.values
        exchanges = [:]
        for exchange in open { exchange.finish() }
        context = nil
    }
}
