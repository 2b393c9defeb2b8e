import CNGHTTP2
import NIOCore

/// What both ends of the project's HTTP/2 on libnghttp2 — the daemon's server connections and
/// `SplatHTTPClient` — do with their `nghttp2_session`: bytes in through
/// `nghttp2_session_mem_recv`, frames out through `nghttp2_session_mem_send`, batched per read
/// and written only while the channel is writable, and the rule that callbacks (which run only
/// inside those calls and the handlers' submit calls) never send or delete the session
/// (``inSession``).
///
/// A class, not a struct: nghttp2's callbacks reach back into the handler that owns the driver
/// while a driver method is running. Every method runs on the channel's event loop.
public final class NGHTTP2SessionDriver {
    /// The session: nil before ``start(_:)`` and after ``end()``.
    public private(set) var session: OpaquePointer?
    /// Inside a call into nghttp2: callbacks may submit, not send or delete the session.
    public private(set) var inSession = false
    private var reading = false
    private var sendPending = false

    public init() {}

    /// Takes ownership of `session` (deleted by ``end()``).
    public func start(_ session: OpaquePointer) { self.session = session }

    /// Feeds one read's bytes to nghttp2. False on a fatal error (a bad preface, a flood): nghttp2
    /// queued GOAWAY where it could, and the caller sends it and closes.
    public func receive(_ bytes: ByteBuffer) -> Bool {
        guard let session else { return true }
        reading = true
        inSession = true
        let consumed = bytes.withUnsafeReadableBytes { raw in
            nghttp2_session_mem_recv(session, raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count)
        }
        inSession = false
        sendPending = true
        guard consumed >= 0 else {
            reading = false
            return false
        }
        return true
    }

    /// The channel's read completed: whether frames wait to be sent.
    public func readComplete() -> Bool {
        reading = false
        return sendPending
    }

    /// Whether the caller should send now; otherwise the current read or call into nghttp2 is
    /// remembered to send when it ends.
    public func shouldSendNow() -> Bool {
        guard reading || inSession else { return true }
        sendPending = true
        return false
    }

    /// Writes what nghttp2 has queued to `context`, in buffers of up to 64 KiB, while its channel
    /// is writable (a channel that is not stops the pulling until its writability changes), then
    /// flushes. False when nghttp2 failed (the caller closes). The bytes `mem_send` returns are
    /// copied before the next call into nghttp2.
    public func send(context: ChannelHandlerContext) -> Bool {
        guard session != nil, !inSession else { return true }
        sendPending = false
        var out: ByteBuffer?
        var succeeded = true
        while context.channel.isWritable, let session {
            var frames: UnsafePointer<UInt8>?
            inSession = true
            let count = nghttp2_session_mem_send(session, &frames)
            inSession = false
            guard count > 0, let frames else {
                succeeded = count >= 0
                break
            }
            if out == nil { out = context.channel.allocator.buffer(capacity: max(count, 16 * 1024)) }
            out!.writeBytes(UnsafeRawBufferPointer(start: frames, count: count))
            if out!.readableBytes >= 64 * 1024 {
                context.write(NIOAny(out!), promise: nil)
                out = nil
            }
        }
        if let out { context.write(NIOAny(out), promise: nil) }
        context.flush()
        return succeeded
    }

    /// nghttp2 wants to write more (frames are queued).
    public var wantsWrite: Bool { session.map { nghttp2_session_want_write($0) != 0 } ?? false }

    /// nghttp2 wants neither to read nor to write: the connection is over (both sides sent
    /// GOAWAY and every stream ended, or a fatal error).
    public var isFinished: Bool {
        guard let session else { return true }
        return nghttp2_session_want_read(session) == 0 && nghttp2_session_want_write(session) == 0
    }

    /// Deletes the session. Never called from inside nghttp2 (the handlers defer it while
    /// ``inSession``).
    public func end() {
        guard let session else { return }
        precondition(!inSession, "an nghttp2 session is deleted from its own callback")
        self.session = nil
        nghttp2_session_del(session)
    }
}
