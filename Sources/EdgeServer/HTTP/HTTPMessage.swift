import NIOCore
import NIOHTTP1

/// A complete HTTP request as the router sees it, whatever the transport (HTTP/1.1 or an
/// HTTP/2 stream of ``NGHTTP2ConnectionHandler``).
struct HTTPRequest: Sendable {
    /// The request line and headers as received.
    var head: HTTPRequestHead
    var method: HTTPMethod
    /// The target split into path, segments and query.
    var target: RequestTarget
    var headers: HTTPHeaders
    var body: ByteBuffer

    /// A request; `target` is `head.uri` split (``RequestTarget``), passed in when the caller
    /// already split it for the access check.
    init(head: HTTPRequestHead, target: RequestTarget? = nil, body: ByteBuffer) {
        self.head = head
        method = head.method
        headers = head.headers
        self.body = body
        self.target = target ?? RequestTarget(head.uri)
    }

    /// The path without the query string.
    var path: Substring { target.path }

    /// Path segments (`/v1/uploads/a/b` → `["v1", "uploads", "a", "b"]`).
    var segments: [Substring] { target.segments }
}

/// A complete HTTP response.
struct HTTPResponse: Sendable {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: ByteBuffer

    init(status: HTTPResponseStatus, contentType: String, body: ByteBuffer, headers: HTTPHeaders = [:]) {
        self.status = status
        self.headers = headers
        self.headers.replaceOrAdd(name: "content-type", value: contentType)
        self.body = body
    }

    static func text(_ status: HTTPResponseStatus, _ text: String, headers: HTTPHeaders = [:]) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "text/plain; charset=utf-8", body: ByteBuffer(string: text), headers: headers)
    }

    static func json(_ status: HTTPResponseStatus, _ body: [UInt8], headers: HTTPHeaders = [:]) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json", body: ByteBuffer(bytes: body), headers: headers)
    }
}
