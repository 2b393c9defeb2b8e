import CNGHTTP2
import NIOCore
import NIOHTTP1

/// One HTTP/2 stream of an ``NGHTTP2ConnectionHandler``: collects the request's header fields
/// for its ``HTTPRequestHandler`` and queues the response that nghttp2 pulls through its data
/// provider (``read(into:length:flags:)``).
///
/// Lifetime: the connection handler's `streams` table owns the stream from the request's first
/// HEADERS frame until nghttp2 reports it closed; the request handler and a deferred response
/// may keep a reference longer, and then every write finds ``isActive`` false (so `connection`,
/// unowned, is only used while the stream is open, when the connection's table holds it). nghttp2 never
/// holds a pointer to a stream: its data provider carries no source pointer and finds the
/// stream by id.
final class NGHTTP2Stream: HTTPResponseTarget {
    let id: Int32
    let handler: HTTPRequestHandler
    private unowned let connection: NGHTTP2ConnectionHandler

    // The request as its header fields arrive (RFC 9113 §8.3.1 pseudo-header fields first).
    private var method: String?
    private var path: String?
    private var authority: String?
    private var fields: [(String, String)] = []
    /// A regular `host` field arrived (replaced by `:authority` in the head).
    private var hasHostField = false
    /// The header list's size as RFC 9113 §6.5.2 counts it (name + value + 32 per field).
    private(set) var headerListBytes = 0

    // The response.
    private var head: HTTPResponseHead?
    private var pending = ByteBuffer()
    private var ended = false
    private var submitted = false
    /// The data provider answered NGHTTP2_ERR_DEFERRED: nghttp2 waits for `resume`.
    private var deferred = false
    private(set) var isClosed = false

    /// Response bytes a stream may queue before ``isWritable`` turns false (event streams drop
    /// chunks beyond it rather than queue without bound).
    static let maxQueuedBytes = 256 * 1024

    init(id: Int32, connection: NGHTTP2ConnectionHandler, handler: HTTPRequestHandler) {
        self.id = id
        eventLoop = connection.eventLoop
        self.connection = connection
        self.handler = handler
    }

    /// Adds a request header field from nghttp2's bytes (valid during the call only); `false`
    /// when the list grows past `limit` bytes. nghttp2 has checked the names (lower-case tokens,
    /// RFC 9113 §8.2.1) and the pseudo-header fields (§8.3.1); pseudo-header names are matched
    /// on their bytes, and the regular fields are kept as pairs until the head is built.
    func addField(name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>, limit: Int) -> Bool {
        headerListBytes += name.count + value.count + 32
        guard headerListBytes <= limit else { return false }
        guard name.first == UInt8(ascii: ":") else {
            if Self.matches(name, "host") { hasHostField = true }
            if fields.isEmpty { fields.reserveCapacity(8) }
            fields.append((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
            return true
        }
        if Self.matches(name, ":method") {
            method = String(decoding: value, as: UTF8.self)
        } else if Self.matches(name, ":path") {
            path = String(decoding: value, as: UTF8.self)
        } else if Self.matches(name, ":authority") {
            authority = String(decoding: value, as: UTF8.self)
        }
        return true
    }

    /// Whether nghttp2's bytes spell `literal` (compared as byte buffers, which the optimiser
    /// reduces to a length test and a memory comparison).
    private static func matches(_ bytes: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        bytes.count == literal.utf8CodeUnitCount
            && bytes.elementsEqual(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// The request head from the fields received (`:authority` as `host`, as HTTP/1.1 would
    /// carry it), taken once, when the request's header block ends: the fields move into
    /// `HTTPHeaders` in one piece (nghttp2 validated them already) and leave the stream.
    func takeRequestHead() -> HTTPRequestHead {
        var headers = fields
        fields = []  // the only reference: the append below extends it instead of copying it
        if let authority {
            if hasHostField { headers.removeAll { $0.0 == "host" } }
            headers.append(("host", authority))
        }
        return HTTPRequestHead(
            version: HTTPVersion(major: 2, minor: 0), method: HTTPMethod(rawValue: method ?? "GET"), uri: path ?? "/",
            headers: HTTPHeaders(headers))
    }

    // MARK: HTTPResponseTarget

    let eventLoop: any EventLoop
    var isActive: Bool { !isClosed }
    var isWritable: Bool { !isClosed && connection.isWritable && pending.readableBytes < Self.maxQueuedBytes }

    func write(_ part: HTTPServerResponsePart, flush: Bool, promise: EventLoopPromise<Void>?) {
        guard !isClosed else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        switch part {
        case .head(let head):
            self.head = head
        case .body(.byteBuffer(var chunk)):
            pending.writeBuffer(&chunk)
        case .body(.fileRegion):
            promise?.fail(ChannelError.operationUnsupported)
            return
        case .end:
            ended = true
        }
        promise?.succeed()
        guard flush else { return }
        if !submitted, let head {
            submitted = true
            connection.submitResponse(streamID: id, head: head, hasBody: !(ended && pending.readableBytes == 0))
        } else if deferred {
            deferred = false
            connection.resumeData(streamID: id)
        }
        connection.sendSoon()
    }

    func close() {
        guard !isClosed else { return }
        connection.reset(streamID: id)
    }

    /// nghttp2 closed the stream: later writes are refused, the request handler ends its
    /// event stream.
    func closed() {
        isClosed = true
        pending = ByteBuffer()
        handler.targetClosed()
    }

    /// The data provider: copies queued response bytes into nghttp2's frame buffer `buffer`
    /// (valid for this call only), sets EOF after the last, or defers until more is written.
    func read(into buffer: UnsafeMutablePointer<UInt8>, length: Int, flags: UnsafeMutablePointer<UInt32>) -> Int {
        let count = min(length, pending.readableBytes)
        if count > 0 {
            pending.readWithUnsafeReadableBytes { bytes in
                UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress!, byteCount: count)
                return count
            }
        }
        guard pending.readableBytes == 0 else { return count }
        pending.clear()
        if ended {
            flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
            return count
        }
        guard count == 0 else { return count }
        deferred = true
        return Int(NGHTTP2_ERR_DEFERRED.rawValue)
    }
}
