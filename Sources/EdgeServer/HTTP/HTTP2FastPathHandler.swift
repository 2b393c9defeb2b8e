import CoreMetrics
import NIOCore
import NIOHPACK
import NIOHTTP1
import NIOHTTP2

/// Answers the operations routes (`GET /healthz`, `/metrics`, `/v1/status`) of an HTTP/2
/// connection from the connection's frames, in front of the stream multiplexer.
///
/// A child stream channel and the HTTP/1 translation on it cost more than half of an h2
/// request's CPU time (docs/PERFORMANCE.md), and these routes need neither: the request is one
/// HEADERS frame with END_STREAM and the answer is computed on the event loop from the path
/// alone. Such a frame is answered here with a HEADERS and a DATA frame on its stream and never
/// reaches the multiplexer; every other frame (other routes, HEAD, requests with a body,
/// connection frames) passes through unchanged.
///
/// Framing, HPACK, flow control, stream states and SETTINGS stay with the `NIOHTTP2Handler`
/// before this handler: it opened the stream when the HEADERS arrived (refusing it beyond
/// `maxConcurrentStreams` or after GOAWAY) and closes it when the response's END_STREAM goes
/// out. Its stream events reach `NIOHTTP2ServerConnectionManagementHandler` for fast-path
/// streams like for any other, so GOAWAY draining and the idle timeout count them.
final class HTTP2FastPathHandler: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame
    typealias InboundOut = HTTP2Frame
    typealias OutboundOut = HTTP2Frame

    /// A response as HTTP/2 sees it: the header block (`:status` first) and the DATA payload.
    struct Answer: Sendable {
        var headers: HPACKHeaders
        var body: ByteBuffer

        init(_ response: HTTPResponse) {
            headers = HPACKHeaders()
            headers.reserveCapacity(response.headers.count + 2)
            headers.add(name: ":status", value: String(response.status.code))
            for (name, value) in response.headers { headers.add(name: name.lowercased(), value: value) }
            headers.add(name: "content-length", value: String(response.body.readableBytes))
            body = response.body
        }
    }

    /// `/healthz` never changes: its frames are built once.
    private static let healthy = Answer(HTTPRouter.healthy)

    private let router: HTTPRouter
    /// `edge_http_responses_total{status="200"}` for each route (``HTTPRouter/respond(to:)``
    /// answers every operations route with 200), resolved once per connection rather than
    /// looked up by label on every request.
    private let answeredCounters: [CoreMetrics.Counter]
    /// Responses are written while the connection reads and flushed together when it is done.
    private var flushPending = false

    /// The connection's place in the listener's gate: a request head ends its handshake.
    private let admission: ConnectionAdmission?
    private var sawRequest = false

    init(router: HTTPRouter, admission: ConnectionAdmission? = nil) {
        self.router = router
        self.admission = admission
        answeredCounters = HTTPRouter.OperationsRoute.allCases.map {
            router.metrics.httpResponseCounter(route: $0.label, status: HTTPResponseStatus.ok.code)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        if !sawRequest, case .headers = frame.payload {
            sawRequest = true
            admission?.authenticated()
        }
        guard case .headers(let request) = frame.payload, request.endStream,
            let route = Self.operationsRoute(request.headers)
        else {
            context.fireChannelRead(data)
            return
        }
        let answer = route == .healthz ? Self.healthy : Answer(router.respond(to: route))
        answeredCounters[route.rawValue].increment()
        let bodyless = answer.body.readableBytes == 0
        context.write(
            wrapOutboundOut(HTTP2Frame(streamID: frame.streamID, payload: .headers(.init(headers: answer.headers, endStream: bodyless)))),
            promise: nil)
        if !bodyless {
            context.write(
                wrapOutboundOut(HTTP2Frame(streamID: frame.streamID, payload: .data(.init(data: .byteBuffer(answer.body), endStream: true)))),
                promise: nil)
        }
        flushPending = true
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if flushPending {
            flushPending = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    /// The operations route a request's header block asks for: a GET of a canonical path.
    private static func operationsRoute(_ headers: HPACKHeaders) -> HTTPRouter.OperationsRoute? {
        var method: String?
        var path: String?
        // Pseudo-header fields precede regular ones (RFC 9113 §8.3; NIOHTTP2Handler validates it).
        for (name, value, _) in headers {
            guard name.utf8.first == UInt8(ascii: ":") else { break }
            if name == ":method" {
                method = value
            } else if name == ":path" {
                path = value
            }
        }
        guard method == "GET", let path else { return nil }
        return HTTPRouter.OperationsRoute(path: path)
    }
}
