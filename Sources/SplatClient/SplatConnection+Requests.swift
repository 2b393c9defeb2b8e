import Crypto
import NIOCore
import Protocol

extension SplatConnection {
    /// Opens a session: HELLO → WELCOME.
    ///
    /// - Throws: ``SplatClientError/server(_:)`` with the server's `ERROR` (e.g. `unauthorized`).
    public func hello(_ hello: Hello) async throws -> Welcome {
        let answer = try await request(.hello(hello), version: ProtocolVersion.handshake)
        guard case .welcome(let welcome) = answer.message else { throw Self.unexpected(answer) }
        return welcome
    }

    /// PING → PONG; returns the round-trip time.
    public func ping() async throws -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        let beat = Heartbeat(nonce: UInt64.random(in: .min ... .max), timestampNanoseconds: 0)
        let answer = try await request(.ping(beat))
        guard case .pong(let echoed) = answer.message, echoed == beat else { throw Self.unexpected(answer) }
        return clock.now - start
    }

    /// UPLOAD_BEGIN → the durable offset to continue from (0 for a new upload).
    public func beginUpload(_ begin: UploadBegin) async throws -> UInt64 {
        try await acknowledged(.uploadBegin(begin))
    }

    /// UPLOAD_CHUNK → the durable offset after the chunk.
    public func uploadChunk(id: UInt64, offset: UInt64, bytes: ArraySlice<UInt8>) async throws -> UInt64 {
        try await acknowledged(.uploadChunk(UploadChunk(uploadID: id, offset: offset, data: ByteBuffer(bytes: bytes))))
    }

    /// UPLOAD_END → the committed size (after the server verified the SHA-256).
    public func endUpload(id: UInt64) async throws -> UInt64 {
        try await acknowledged(.uploadEnd(UploadEnd(uploadID: id)))
    }

    /// Uploads `data` resumably: BEGIN tells where the server's durable copy ends, the chunks
    /// continue from there, END verifies. Calling it again after an interruption (on a new
    /// connection, even after a server restart) sends only the missing bytes.
    ///
    /// - Parameters:
    ///   - stopAfterChunks: stop (without END) after this many chunks, to simulate an interruption.
    /// - Returns: the committed size, or nil when stopped early.
    @discardableResult
    public func upload(
        id: UInt64, data: [UInt8], kind: UploadKind = .dataset, name: String = "upload", chunkSize: Int = 64 * 1024,
        stopAfterChunks: Int? = nil
    ) async throws -> UInt64? {
        let digest = Array(SHA256.hash(data: data))
        var offset = try await beginUpload(
            UploadBegin(uploadID: id, totalSize: UInt64(data.count), sha256: digest, kind: kind, name: name))
        var chunks = 0
        while offset < UInt64(data.count) {
            if let stopAfterChunks, chunks >= stopAfterChunks { return nil }
            let end = min(data.count, Int(offset) + chunkSize)
            offset = try await uploadChunk(id: id, offset: offset, bytes: data[Int(offset)..<end])
            chunks += 1
        }
        if let stopAfterChunks, chunks >= stopAfterChunks { return nil }
        return try await endUpload(id: id)
    }

    /// Says BYE and closes.
    public func bye(_ reason: Bye.Reason = .normal) async {
        try? await send(.bye(Bye(reason: reason)))
        await close()
    }

    private func acknowledged(_ message: Message) async throws -> UInt64 {
        let answer = try await request(message)
        guard case .ack(let ack) = answer.message else { throw Self.unexpected(answer) }
        return ack.value
    }

    private static func unexpected(_ frame: WireFrame) -> SplatClientError {
        if case .error(let error) = frame.message { return .server(error) }
        return .unexpectedAnswer(frame.message.type)
    }
}
