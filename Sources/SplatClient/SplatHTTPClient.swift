import Crypto
import NIOCore
import NIOHTTP1
import NIOPosix
import Protocol

/// An HTTP/2 (h2c, prior knowledge) client for `edge-serverd`'s routes: one TCP connection,
/// one stream per request, on libnghttp2 (``NGHTTP2ClientHandler``).
public final class SplatHTTPClient: Sendable {
    /// A complete response.
    public struct Response: Sendable {
        public var status: Int
        public var headers: HTTPHeaders
        public var body: ByteBuffer

        /// The body as UTF-8 text.
        public var text: String { String(buffer: body) }
    }

    private let channel: any Channel
    private let connection: NIOLoopBound<NGHTTP2ClientHandler>
    private let authority: String
    private let token: String?

    /// Connects with prior knowledge; `token` is sent as `authorization: Bearer …`.
    public static func connect(
        host: String, port: Int, token: String? = nil, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> SplatHTTPClient {
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(NGHTTP2ClientHandler()) }
            }
            .connect(host: host, port: port).get()
        let connection = try await channel.eventLoop.submit {
            NIOLoopBound(try channel.pipeline.syncOperations.handler(type: NGHTTP2ClientHandler.self), eventLoop: channel.eventLoop)
        }.get()
        return SplatHTTPClient(channel: channel, connection: connection, authority: "\(host):\(port)", token: token)
    }

    private init(channel: any Channel, connection: NIOLoopBound<NGHTTP2ClientHandler>, authority: String, token: String?) {
        self.channel = channel
        self.connection = connection
        self.authority = authority
        self.token = token
    }

    /// Sends one request on a new stream and collects the response.
    public func request(_ method: HTTPMethod, _ path: String, headers: HTTPHeaders = [:], body: [UInt8] = []) async throws -> Response {
        var response = Response(status: 0, headers: [:], body: ByteBuffer())
        try await exchangeStreaming(method, path, headers: headers, body: body) { head in
            response.status = Int(head.status.code)
            response.headers = head.headers
        } onBody: { bytes in
            var bytes = bytes
            response.body.writeBuffer(&bytes)
        }
        return response
    }

    /// Sends one request on a new stream and hands the response to the callbacks as it arrives:
    /// the head, then each body chunk. Returns at the response's end.
    ///
    /// - Throws: ``SplatClientError/closed`` when the stream ends before the response does.
    private func exchangeStreaming(
        _ method: HTTPMethod, _ path: String, headers: HTTPHeaders, body: [UInt8],
        onHead: (HTTPResponseHead) throws -> Void, onBody: (ByteBuffer) async throws -> Void
    ) async throws {
        var requestHeaders = headers
        if let token { requestHeaders.replaceOrAdd(name: "authorization", value: "Bearer \(token)") }
        let request = NGHTTP2ClientHandler.Request(
            method: method, path: path, authority: authority, headers: requestHeaders, body: ByteBuffer(bytes: body))
        let (parts, continuation) = NGHTTP2ClientHandler.ResponseParts.makeStream()
        connection.eventLoop.execute { [connection] in connection.value.submit(request, parts: continuation) }
        for try await part in parts {
            switch part {
            case .head(let head): try onHead(head)
            case .body(let bytes): try await onBody(bytes)
            }
        }
    }

    /// Closes the connection.
    public func close() async { try? await channel.close() }

    // MARK: Resumable uploads over HTTP/2

    /// Where the server's durable copy of an upload ends (0 when it never saw it).
    public func uploadOffset(clientID: String, uploadID: UInt64) async throws -> UInt64 {
        let response = try await request(.HEAD, Self.uploadPath(clientID, uploadID))
        if response.status == 404 { return 0 }
        return try Self.offset(from: response)
    }

    /// Uploads `data` resumably over HTTP/2 (BEGIN, PATCH chunks from the durable offset, END).
    ///
    /// - Returns: the committed size, or nil when stopped after `stopAfterChunks` chunks.
    @discardableResult
    public func upload(
        clientID: String, uploadID: UInt64, data: [UInt8], chunkSize: Int = 64 * 1024, stopAfterChunks: Int? = nil
    ) async throws -> UInt64? {
        let path = Self.uploadPath(clientID, uploadID)
        let digest = Array(SHA256.hash(data: data))
        let begin = try await request(
            .POST, path, headers: ["upload-length": String(data.count), "upload-sha256": Self.hex(digest)])
        var offset = try Self.offset(from: begin)
        var chunks = 0
        while offset < UInt64(data.count) {
            if let stopAfterChunks, chunks >= stopAfterChunks { return nil }
            let end = min(data.count, Int(offset) + chunkSize)
            let response = try await request(
                .PATCH, path, headers: ["upload-offset": String(offset)], body: Array(data[Int(offset)..<end]))
            offset = try Self.offset(from: response)
            chunks += 1
        }
        if let stopAfterChunks, chunks >= stopAfterChunks { return nil }
        let end = try await request(.POST, path + "/end")
        guard end.status == 201 else { throw SplatClientError.http(status: end.status, body: end.text) }
        return try Self.offset(from: end)
    }

    private static func uploadPath(_ clientID: String, _ uploadID: UInt64) -> String { "/v1/uploads/\(clientID)/\(uploadID)" }

    private static func offset(from response: Response) throws -> UInt64 {
        guard (200..<300).contains(response.status), let offset = response.headers.first(name: "upload-offset").flatMap(UInt64.init)
        else { throw SplatClientError.http(status: response.status, body: response.text) }
        return offset
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0xf)]])
        }.joined()
    }
}

// MARK: Sessions over HTTP/2

extension SplatHTTPClient {
    /// Opens (or resumes) a session: POST /v1/sessions with a HELLO payload → WELCOME.
    public func hello(_ hello: Hello) async throws -> Welcome {
        let answer = try await exchange(.POST, "/v1/sessions", .hello(hello))
        guard case .welcome(let welcome)? = answer else { throw SplatClientError.unexpectedAnswer(answer?.type ?? .ack) }
        return welcome
    }

    /// Sends a session message (POSE, CHANNEL_REPORT, IMAGE, PING, BYE); returns the answer (PONG) if any.
    @discardableResult
    public func send(_ message: Message, clientID: String) async throws -> Message? {
        try await exchange(.POST, "/v1/sessions/\(clientID)/messages", message)
    }

    /// The messages the server queued for this session since the last poll (SCHEDULE, FRAME, BYE, …).
    public func poll(clientID: String) async throws -> [Message] {
        let response = try await request(.GET, "/v1/sessions/\(clientID)/messages")
        switch response.status {
        case 204: return []
        case 200:
            var body = response.body
            let decoder = WireFrameDecoder()
            var messages: [Message] = []
            while let frame = try decoder.decodeFrame(from: &body) { messages.append(frame.message) }
            return messages
        default:
            throw try Self.failure(response)
        }
    }

    /// Follows the session's event stream (`GET /v1/sessions/{client}/events`): every server
    /// message (SCHEDULE, FRAME, BYE, …) is handed to `receive` as soon as the daemon sends it,
    /// starting with those queued since HELLO. Returns when the daemon or the connection ends
    /// the stream.
    ///
    /// - Throws: ``SplatClientError/server(_:)`` or ``SplatClientError/http(status:body:)``
    ///   when the daemon refuses the stream; a ``ProtocolError`` when a frame is malformed.
    public func followEvents(clientID: String, _ receive: (WireFrame) async -> Void) async throws {
        var refused: Response?
        var pending = ByteBuffer()
        let decoder = WireFrameDecoder()
        try await exchangeStreaming(.GET, "/v1/sessions/\(clientID)/events", headers: [:], body: []) { head in
            if head.status != .ok { refused = Response(status: Int(head.status.code), headers: head.headers, body: ByteBuffer()) }
        } onBody: { bytes in
            var bytes = bytes
            if refused != nil {
                refused!.body.writeBuffer(&bytes)
                return
            }
            // A frame may span DATA frames, and one DATA frame may hold several wire frames.
            pending.writeBuffer(&bytes)
            while let frame = try decoder.decodeFrame(from: &pending) { await receive(frame) }
            pending.discardReadBytes()
        }
        if let refused { throw try Self.failure(refused) }
    }

    private func exchange(_ method: HTTPMethod, _ path: String, _ message: Message) async throws -> Message? {
        var payload = ByteBuffer()
        try message.writePayload(to: &payload)
        let response = try await request(
            method, path,
            headers: ["content-type": "application/x-splatedge", "splatedge-type": message.type.description],
            body: Array(payload.readableBytesView))
        guard (200..<300).contains(response.status) else { throw try Self.failure(response) }
        guard response.status != 204, let name = response.headers.first(name: "splatedge-type"),
            let type = MessageType.allCases.first(where: { $0.description == name })
        else { return nil }
        return try Message(type: type, payload: response.body)
    }

    /// The server's ERROR payload as ``SplatClientError/server(_:)``, or the raw HTTP failure.
    private static func failure(_ response: Response) throws -> SplatClientError {
        if response.headers.first(name: "splatedge-type") == "ERROR", case .error(let error) = try Message(type: .error, payload: response.body) {
            return .server(error)
        }
        return .http(status: response.status, body: response.text)
    }
}
