import NIOConcurrencyHelpers
import NIOCore
import Protocol

/// The thread-safe face of a binary connection: what the session registry, the slot loop and
/// the graceful-shutdown handler may do to it from any thread. All writes go through the
/// channel, so they are serialised on its event loop in submission order.
final class ConnectionLink: SessionConnection {
    private static let counter = NIOLockedValueBox(UInt64(0))

    let connectionID: UInt64
    private let channel: any Channel
    private let limiter: InflightLimiter
    private let state = NIOLockedValueBox(LinkState())

    private struct LinkState {
        var version = ProtocolVersion.handshake
        var draining = false
        var closed = false
        /// Uploads begun on this connection and not yet ended: a drain waits for them.
        var openUploads: Set<UInt64> = []
    }

    init(channel: any Channel, limiter: InflightLimiter) {
        self.channel = channel
        self.limiter = limiter
        connectionID = Self.counter.withLockedValue { value in
            value += 1
            return value
        }
    }

    /// Frames after WELCOME use the negotiated version.
    func negotiated(_ version: UInt8) { state.withLockedValue { $0.version = version } }

    /// A server-initiated message (SCHEDULE, FRAME, …) in the session's version.
    func send(_ message: Message) {
        send(message, requestID: 0, version: state.withLockedValue { $0.version })
    }

    func send(_ message: Message, requestID: UInt32, version: UInt8) {
        channel.writeAndFlush(WireFrame(version: version, requestID: requestID, message: message), promise: nil)
    }

    /// A newer connection took over the session.
    func close(reason: String) { sayGoodbye(.replaced, reason) }

    /// Sends BYE and closes (once).
    func sayGoodbye(_ reason: Bye.Reason, _ message: String) {
        let first = state.withLockedValue { state in
            defer { state.closed = true }
            return !state.closed
        }
        guard first else { return }
        let version = state.withLockedValue { $0.version }
        let bye = Bye(reason: reason, message: message.truncatedUTF8(maxBytes: 1024))
        channel.writeAndFlush(WireFrame(version: version, message: .bye(bye))).whenComplete { [channel] _ in
            channel.close(promise: nil)
        }
    }

    /// A frame the decoder rejected: ERROR with its code, then BYE, then close.
    func fail(_ error: ProtocolError) async {
        let version = state.withLockedValue { $0.version }
        channel.write(WireFrame(version: version, message: .error(error.truncatedForWire)), promise: nil)
        sayGoodbye(.protocolViolation, error.message)
        await closed()
    }

    /// Waits until the channel has closed after a BYE (returns at once when none was sent).
    func closed() async {
        guard state.withLockedValue({ $0.closed }) else { return }
        try? await channel.closeFuture.get()
    }

    func release(_ size: Int) { limiter.release(size, on: channel.eventLoop) }

    func uploadStarted(_ id: UInt64) { state.withLockedValue { _ = $0.openUploads.insert(id) } }
    func uploadEnded(_ id: UInt64) { state.withLockedValue { _ = $0.openUploads.remove(id) } }

    /// Graceful shutdown began: idle connections say BYE now, busy ones after their uploads.
    func startDraining() {
        state.withLockedValue { $0.draining = true }
        _ = finishDrainIfIdle()
    }

    /// When draining and no upload is open, says BYE(shutting_down); returns whether it did.
    func finishDrainIfIdle() -> Bool {
        let idle = state.withLockedValue { $0.draining && $0.openUploads.isEmpty }
        if idle { sayGoodbye(.shuttingDown, "the server is shutting down") }
        return idle
    }
}

extension ProtocolError {
    /// The error with its message cut to what an `ERROR` frame may carry (on a UTF-8 boundary).
    var truncatedForWire: ProtocolError {
        ProtocolError(code, message.truncatedUTF8(maxBytes: ProtocolError.maxMessageBytes))
    }
}

extension String {
    /// At most `maxBytes` UTF-8 bytes of the string, cut on a character boundary.
    func truncatedUTF8(maxBytes: Int) -> String {
        guard utf8.count > maxBytes else { return self }
        let bytes = Array(utf8)
        var cut = maxBytes
        while cut > 0 && bytes[cut] & 0xC0 == 0x80 { cut -= 1 }
        return String(decoding: bytes[..<cut], as: UTF8.self)
    }
}

extension SessionError {
    /// The wire code for this refusal.
    var protocolCode: ProtocolError.Code {
        switch code {
        case .unauthorized: .unauthorized
        case .sessionLimit: .sessionLimit
        case .invalidClient: .invalidValue
        case .roleConflict: .unexpectedMessage
        }
    }
}

extension UploadStoreError {
    /// The wire code for this refusal.
    var protocolCode: ProtocolError.Code {
        switch code {
        case .unknownUpload: .unknownUpload
        case .offset, .busy: .uploadOffset
        case .digest: .uploadDigest
        case .size: .uploadSize
        case .invalid: .invalidValue
        case .io: .internalError
        }
    }
}
