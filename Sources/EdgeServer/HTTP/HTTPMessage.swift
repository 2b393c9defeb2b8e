import NIOCore
import NIOHTTP1

/// A complete HTTP request as the router sees it, whatever the transport (HTTP/1.1 or an
/// HTTP/2 stream translated by `HTTP2FramePayloadToHTTP1ServerCodec`).
struct HTTPRequest: Sendable {
    /// The request line and headers as received.
    var head: HTTPRequestHead
    var method: HTTPMethod
    /// The path without the query string.
    var path: String
    var query: [String: String]
    var headers: HTTPHeaders
    var body: ByteBuffer

    init(head: HTTPRequestHead, body: ByteBuffer) {
        self.head = head
        method = head.method
        headers = head.headers
        self.body = body
        let parts = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        path = String(parts.first ?? "")
        var query: [String: String] = [:]
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                query[String(kv[0])] = kv.count == 2 ? String(kv[1]) : ""
            }
        }
        self.query = query
    }

    /// Path segments (`/v1/uploads/a/b` → `["v1", "uploads", "a", "b"]`).
    var segments: [Substring] { path.split(separator: "/") }
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
