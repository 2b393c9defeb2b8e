import NIOCore
import NIOHTTP1

/// Collects one request (head, bounded body, end), hands it to the ``HTTPRouter`` and writes the
/// response. The same handler serves HTTP/1.1 connections (as a channel handler) and HTTP/2
/// streams (driven by ``NGHTTP2ConnectionHandler`` through ``receive(_:target:)``).
///
/// Cheap routes (`/healthz`, `/metrics`, `/v1/status`) are answered inline on the event loop;
/// routes that touch the disk complete on a task and the response hops back to the loop; event
/// streams (``HTTPEventStream``) write their head at once and their body as events happen,
/// until the channel (or stream) goes inactive.
final class HTTPRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let router: HTTPRouter
    private let maxBodyBytes: Int
    /// An HTTP/2 stream: one request per stream, no connection-level keep-alive headers.
    private let isHTTP2Stream: Bool
    private let admission: ConnectionAdmission
    private var head: HTTPRequestHead?
    /// The head's URI split, once for the access check and the route.
    private var requestTarget: RequestTarget?
    private var body: ByteBuffer?
    private var bodyTooLarge = false
    /// The route takes no body (operations routes, unknown paths): none is kept.
    private var discardBody = false
    /// Ends the open event stream, if any (called once, when the channel goes inactive).
    private var endStream: (@Sendable () -> Void)?

    init(router: HTTPRouter, maxBodyBytes: Int, isHTTP2Stream: Bool, admission: ConnectionAdmission) {
        self.router = router
        self.admission = admission
        self.maxBodyBytes = maxBodyBytes
        self.isHTTP2Stream = isHTTP2Stream
    }

    /// The per-connection target of an HTTP/1.1 channel (made once, on the first read).
    private var contextTarget: ChannelContextTarget?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let target = contextTarget ?? ChannelContextTarget(context)
        contextTarget = target
        receive(unwrapInboundIn(data), target: target)
    }

    /// Takes one part of the request; responses go to `target`.
    func receive(_ part: HTTPServerRequestPart, target: any HTTPResponseTarget) {
        switch part {
        case .head(let head):
            self.head = head
            body = nil
            bodyTooLarge = false
            // The bearer token is checked before any body byte is read into memory, and only
            // token-protected routes keep a body at all. A request that is not refused ends the
            // connection's handshake; a refused one is answered at once and, over HTTP/1.1, its
            // connection closed, so an unauthenticated peer cannot hold it by never finishing a
            // large body.
            let requestTarget = RequestTarget(head.uri)
            self.requestTarget = requestTarget
            switch router.access(for: head, target: requestTarget) {
            case .open:
                admission.authenticated()
                discardBody = true
            case .granted:
                admission.authenticated()
                discardBody = false
            case .refused(let answer):
                self.head = nil
                discardBody = true
                if case .immediate(let response, let route) = answer {
                    // HTTP/2: the stream's response ends now; its remaining DATA (within the
                    // stream's flow-control window) is discarded as it arrives.
                    write(response, route: route, keepAlive: isHTTP2Stream, omitBody: head.method == .HEAD, target: target)
                }
            }
        case .body(var chunk):
            guard !bodyTooLarge, !discardBody else { return }
            if (body?.readableBytes ?? 0) + chunk.readableBytes > maxBodyBytes {
                bodyTooLarge = true
                body = nil
            } else if body == nil {
                body = chunk
            } else {
                body!.writeBuffer(&chunk)
            }
        case .end:
            guard let head else { return }
            self.head = nil
            let keepAlive = isHTTP2Stream || head.isKeepAlive
            let isHead = head.method == .HEAD
            if bodyTooLarge {
                write(
                    .text(.payloadTooLarge, "request body exceeds \(maxBodyBytes) bytes\n"), route: "body_limit",
                    keepAlive: isHTTP2Stream, omitBody: isHead, target: target)
                return
            }
            let request = HTTPRequest(head: head, target: requestTarget, body: body ?? ByteBuffer())
            body = nil
            requestTarget = nil
            switch router.route(request) {
            case .immediate(let response, let route):
                write(response, route: route, keepAlive: keepAlive, omitBody: isHead, target: target)
            case .deferred(let route, let operation):
                let promise = target.eventLoop.makePromise(of: HTTPResponse.self)
                promise.completeWithTask { await operation() }
                let loopBound = NIOLoopBound((self, target), eventLoop: target.eventLoop)
                promise.futureResult.whenSuccess { response in
                    let (handler, target) = loopBound.value
                    handler.write(response, route: route, keepAlive: keepAlive, omitBody: isHead, target: target)
                }
            case .streaming(let route, let stream):
                openStream(stream, route: route, target: target)
            }
        }
    }

    /// Writes a response; a HEAD request gets the headers (with the GET's content-length) only.
    private func write(_ response: HTTPResponse, route: String, keepAlive: Bool, omitBody: Bool, target: any HTTPResponseTarget) {
        router.metrics.httpResponse(route: route, status: response.status.code)
        var headers = response.headers
        // RFC 9110 §8.6: no Content-Length in a 1xx or 204 response (neither has content).
        if response.status.code >= 200, response.status != .noContent {
            headers.replaceOrAdd(name: "content-length", value: String(response.body.readableBytes))
        }
        if !keepAlive { headers.replaceOrAdd(name: "connection", value: "close") }
        let head = HTTPResponseHead(version: .http1_1, status: response.status, headers: headers)
        target.write(.head(head), flush: false, promise: nil)
        if response.body.readableBytes > 0 && !omitBody {
            target.write(.body(.byteBuffer(response.body)), flush: false, promise: nil)
        }
        guard !keepAlive else {
            target.write(.end(nil), flush: true, promise: nil)
            return
        }
        let done = target.eventLoop.makePromise(of: Void.self)
        target.write(.end(nil), flush: true, promise: done)
        let loopBound = NIOLoopBound(target, eventLoop: target.eventLoop)
        done.futureResult.whenComplete { _ in loopBound.value.close() }
    }

    /// Writes the head of an event stream (no content-length: the body has no known end) and
    /// hands its writer to the producer.
    private func openStream(_ stream: HTTPEventStream, route: String, target: any HTTPResponseTarget) {
        router.metrics.httpResponse(route: route, status: stream.head.status.code)
        let head = HTTPResponseHead(version: .http1_1, status: stream.head.status, headers: stream.head.headers)
        target.write(.head(head), flush: true, promise: nil)
        let metrics = router.metrics
        endStream = stream.open(HTTPStreamWriter(target: target) { metrics.httpInboxDropped.increment() })
    }

    func channelInactive(context: ChannelHandlerContext) {
        targetClosed()
        context.fireChannelInactive()
    }

    /// The connection or stream ended: the open event stream, if any, ends too.
    func targetClosed() {
        endStream?()
        endStream = nil
        contextTarget = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
