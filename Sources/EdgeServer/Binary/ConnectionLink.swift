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
        /// WELCOME has been written: server-initiated messages may follow it.
        var welcomed = false
        /// Server-initiated messages sent between HELLO's acceptance and WELCOME (the session is
        /// visible to the slot loop from the moment it is registered).
        var early: [Message] = []
        var draining = false
        var closed = false
        /// Uploads begun on this connection and not yet ended: a drain waits for them.
        var openUploads: Set<UInt64> = []
    }

    /// Server messages held before WELCOME; a slot loop sends at most a few per slot, and the
    /// window is one HELLO's processing, so more means something is wrong and the oldest go.
    private static let earlyCapacity = 64

    init(channel: any Channel, limiter: InflightLimiter) {
        self.channel = channel
        self.limiter = limiter
        connectionID = Self.counter.withLockedValue { value in
            value += 1
            return value
        }
    }

    /// Writes WELCOME (with the HELLO's request id), then whatever the session was sent before it;
    /// every later frame uses the negotiated version. Under the lock, so no SCHEDULE or FRAME can
    /// overtake the WELCOME.
    func welcome(_ welcome: Welcome, requestID: UInt32) {
        state.withLockedValue { state in
            state.version = welcome.version
            channel.write(WireFrame(version: welcome.version, requestID: requestID, message: .welcome(welcome)), promise: nil)
            for message in state.early {
                channel.write(WireFrame(version: welcome.version, requestID: 0, message: message), promise: nil)
            }
            state.early = []
            state.welcomed = true
            channel.flush()
        }
    }

    /// A server-initiated message (SCHEDULE, FRAME, …) in the session's version; held until
    /// WELCOME has been written.
    func send(_ message: Message) {
        state.withLockedValue { state in
            guard state.welcomed else {
                if state.early.count == Self.earlyCapacity { state.early.removeFirst() }
                state.early.append(message)
                return
            }
            channel.writeAndFlush(WireFrame(version: state.version, requestID: 0, message: message), promise: nil)
        }
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

    /// A frame the decoder rejected: ERROR with its code (and the frame's request id where its
    /// header was readable), then BYE, then close.
    /// `whenSent` runs once the ERROR has reached the socket (a peer that reset the connection
    /// never gets it, and it is not counted as sent).
    func fail(_ error: ProtocolError, whenSent: @escaping @Sendable () -> Void) async {
        let version = state.withLockedValue { $0.version }
        let written = channel.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenSuccess { whenSent() }
        channel.write(
            WireFrame(version: version, requestID: error.requestID ?? 0, message: .error(error.clampedForWire())), promise: written)
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
