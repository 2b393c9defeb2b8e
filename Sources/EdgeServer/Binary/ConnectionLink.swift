import NIOConcurrencyHelpers
import NIOCore
import Protocol
import Synchronization

/// The thread-safe face of a binary connection: what the session registry, the slot loop and
/// the graceful-shutdown handler may do to it from any thread. All writes go through the
/// channel, so they are serialised on its event loop in submission order.
///
/// Outbound back-pressure: the bytes written but not yet taken by the socket are counted (each
/// write's promise gives them back). A client that stops reading lets them grow; past
/// `outboundLimit` the link stops queueing, sends `ERROR slow_consumer` and BYE behind what is
/// queued, and closes once they are out or ``cutOffGrace`` has passed — so a slow reader costs
/// the daemon at most the limit plus one frame, never more.
final class ConnectionLink: SessionConnection {
    /// How long a cut-off client has to read what is queued (and the ERROR) before the
    /// connection is closed under it.
    static let cutOffGrace: TimeAmount = .seconds(2)

    private static let counter = NIOLockedValueBox(UInt64(0))

    let connectionID: UInt64
    private let channel: any Channel
    private let limiter: InflightLimiter
    private let outboundLimit: Int
    private let onCutOff: @Sendable () -> Void
    private let state = NIOLockedValueBox(LinkState())
    /// Bytes handed to the channel and not yet written to the socket. An atomic, not part of
    /// the locked state: a write's promise may complete inline while the lock is held.
    private let outboundBytes = Atomic<Int>(0)

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
        /// The most bytes that ever waited for the socket (tests check the bound).
        var peakOutboundBytes = 0
        /// The client fell behind by more than the limit: nothing more is queued.
        var cutOff = false
    }

    /// Server messages held before WELCOME; a slot loop sends at most a few per slot, and the
    /// window is one HELLO's processing, so more means something is wrong and the oldest go.
    private static let earlyCapacity = 64

    /// A link for `channel`; `onCutOff` runs once if the client is cut off as a slow reader.
    init(channel: any Channel, limiter: InflightLimiter, outboundLimit: Int, onCutOff: @escaping @Sendable () -> Void = {}) {
        self.channel = channel
        self.limiter = limiter
        self.outboundLimit = outboundLimit
        self.onCutOff = onCutOff
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
            write(WireFrame(version: welcome.version, requestID: requestID, message: .welcome(welcome)), &state)
            for message in state.early {
                write(WireFrame(version: welcome.version, requestID: 0, message: message), &state)
            }
            state.early = []
            state.welcomed = true
            channel.flush()
        }
    }

    /// A server-initiated message (SCHEDULE, FRAME, …) in the session's version; held until
    /// WELCOME has been written.
    func send(_ message: Message) {
        let cutOff = state.withLockedValue { state -> Bool in
            guard state.welcomed else {
                if state.early.count == Self.earlyCapacity { state.early.removeFirst() }
                state.early.append(message)
                return false
            }
            return write(WireFrame(version: state.version, requestID: 0, message: message), &state, flush: true)
        }
        if cutOff { cutOffSlowReader() }
    }

    /// A response to the client's request `requestID`, in `version`.
    func send(_ message: Message, requestID: UInt32, version: UInt8) {
        let cutOff = state.withLockedValue { state in
            write(WireFrame(version: version, requestID: requestID, message: message), &state, flush: true)
        }
        if cutOff { cutOffSlowReader() }
    }

    /// Queues `frame` unless the client was cut off, counting its bytes until the socket takes
    /// them; returns true when this write took the queue past the limit (the caller cuts off).
    @discardableResult
    private func write(_ frame: WireFrame, _ state: inout LinkState, flush: Bool = false) -> Bool {
        guard !state.cutOff else { return false }
        let bytes = WireFrame.headerLength + frame.message.payloadSizeEstimate
        let queued = outboundBytes.add(bytes, ordering: .relaxed).newValue
        state.peakOutboundBytes = max(state.peakOutboundBytes, queued)
        let written = channel.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenComplete { [self] _ in _ = outboundBytes.subtract(bytes, ordering: .relaxed) }
        if flush {
            channel.writeAndFlush(frame, promise: written)
        } else {
            channel.write(frame, promise: written)
        }
        guard queued > outboundLimit else { return false }
        state.cutOff = true
        return true
    }

    /// ERROR slow_consumer and BYE behind what is queued; the connection closes when they are
    /// written or after ``cutOffGrace``, whichever is first.
    private func cutOffSlowReader() {
        onCutOff()
        let (version, first) = state.withLockedValue { state -> (UInt8, Bool) in
            defer { state.closed = true }
            return (state.version, !state.closed)
        }
        guard first else { return }
        let error = ProtocolError(.slowConsumer, "the client read too slowly: more than \(outboundLimit) bytes waited for it")
        channel.write(WireFrame(version: version, message: .error(error)), promise: nil)
        let bye = Bye(reason: .protocolViolation, message: error.message)
        channel.writeAndFlush(WireFrame(version: version, message: .bye(bye))).whenComplete { [channel] _ in
            channel.close(promise: nil)
        }
        channel.eventLoop.scheduleTask(in: Self.cutOffGrace) { [channel] in channel.close(promise: nil) }
    }

    /// The most bytes that ever waited for this client's socket.
    var peakOutboundBytes: Int { state.withLockedValue { $0.peakOutboundBytes } }

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
