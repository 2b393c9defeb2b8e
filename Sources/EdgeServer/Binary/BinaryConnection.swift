import Logging
import NIOConcurrencyHelpers
import NIOCore
import Protocol
import ServiceLifecycle

/// One binary TCP connection: the HELLO handshake, then the session's messages, in order.
///
/// Responses (`WELCOME`, `ACK`, `ERROR`, `PONG`) echo the request's id. A frame the decoder
/// rejects ends the connection with an `ERROR` carrying the decoder's code; a valid message
/// that is not allowed in the current state gets `ERROR unexpected_message` (and ends the
/// connection only before HELLO). Everything here is local to this connection's task.
struct BinaryConnection: Sendable {
    private let channel: NIOAsyncChannel<WireFrame, WireFrame>
    private let server: EdgeDaemon
    private let link: ConnectionLink
    private let admission: ConnectionAdmission?

    init(_ accepted: AcceptedConnection, server: EdgeDaemon) {
        channel = accepted.channel
        self.server = server
        link = ConnectionLink(channel: accepted.channel.channel, limiter: accepted.limiter)
        admission = accepted.admission
    }

    func run() async {
        guard admission != nil else {
            try? await channel.channel.close()
            return
        }
        var state = ConnectionState()
        try? await channel.executeThenClose { inbound, _ in
            // Errors are handled inside the body: executeThenClose closes the channel as soon as
            // the body returns, and the peer must first receive the ERROR.
            do {
                try await withGracefulShutdownHandler {
                    for try await frame in inbound {
                        let size = WireFrame.headerLength + frame.message.payloadSizeEstimate
                        let keepGoing = await handle(frame, state: &state)
                        link.release(size)
                        if !keepGoing || link.finishDrainIfIdle() { break }
                    }
                } onGracefulShutdown: {
                    link.startDraining()
                }
            } catch let error as ProtocolError {
                await link.fail(error) { [metrics = server.metrics] in metrics.errorSent(error.code.description) }
            } catch {
                // The peer reset the connection or the channel closed under us; nothing to tell it.
            }
            await link.closed()
        }
        if let session = state.session {
            if state.saidBye {
                server.sessions.close(session, reason: "bye")
            } else {
                server.sessions.detach(session, connection: link)
            }
        }
    }

    /// Handles one frame; returns false when the connection must close.
    private func handle(_ frame: WireFrame, state: inout ConnectionState) async -> Bool {
        let message = frame.message
        let requestID = frame.requestID
        server.metrics.messageReceived(message.type, transport: .binary)
        guard let session = state.session else {
            guard case .hello(let hello) = message else {
                return refuse(ProtocolError(.unexpectedMessage, "\(message.type) before HELLO"), requestID: requestID)
            }
            return openSession(hello, requestID: requestID, state: &state)
        }
        session.received(message)
        switch message {
        case .image:
            // PROTOCOL §4: an IMAGE is a request, answered by ACK (value 0).
            link.send(.ack(Ack(acknowledgedRequestID: requestID, value: 0)), requestID: requestID, version: state.version)
            return true
        case .pose, .channelReport, .pong, .ack:
            return true
        case .ping(let heartbeat):
            link.send(.pong(heartbeat), requestID: requestID, version: state.version)
            return true
        case .uploadBegin(let begin):
            let key = uploadKey(session, begin.uploadID)
            return await answer(requestID, state: state) { () async throws(UploadStoreError) in
                let progress = try await server.store.begin(key, totalSize: begin.totalSize, sha256: begin.sha256)
                return UInt64(progress.durableOffset)
            } onSuccess: {
                link.uploadStarted(begin.uploadID)
            }
        case .uploadChunk(let chunk):
            let key = uploadKey(session, chunk.uploadID)
            let bytes = Array(chunk.data.readableBytesView)
            return await answer(requestID, state: state) { () async throws(UploadStoreError) in
                let progress = try await server.store.write(key, offset: chunk.offset, bytes: bytes)
                server.metrics.uploadBytes.increment(by: bytes.count)
                return UInt64(progress.durableOffset)
            }
        case .uploadEnd(let end):
            let key = uploadKey(session, end.uploadID)
            link.uploadEnded(end.uploadID)
            return await answer(requestID, state: state) { () async throws(UploadStoreError) in
                let committed = try await server.store.finish(key)
                server.metrics.uploadsCommitted.increment()
                return UInt64(committed.size)
            }
        case .bye:
            state.saidBye = true
            return false
        case .error(let error):
            server.logger.notice("client reported an error", metadata: ["client": "\(session.clientID)", "error": "\(error)"])
            return true
        case .hello, .welcome, .schedule, .frame:
            server.metrics.errorSent(ProtocolError.Code.unexpectedMessage.description)
            link.send(.error(ProtocolError(.unexpectedMessage, "a client does not send \(message.type) here")), requestID: requestID, version: state.version)
            return true
        }
    }

    private func openSession(_ hello: Hello, requestID: UInt32, state: inout ConnectionState) -> Bool {
        do {
            let (session, welcome) = try server.openSession(hello, transport: "binary", connection: link)
            state.session = session
            state.version = welcome.version
            link.welcome(welcome, requestID: requestID)
            // Authenticated: frames up to the configured maximum from now on.
            admission?.authenticated()
            return true
        } catch {
            return refuse(error, requestID: requestID)
        }
    }

    /// Sends ERROR then BYE and ends the connection (no session is created or kept).
    private func refuse(_ error: ProtocolError, requestID: UInt32) -> Bool {
        server.metrics.errorSent(error.code.description)
        link.send(.error(error.clampedForWire()), requestID: requestID, version: ProtocolVersion.handshake)
        link.sayGoodbye(.protocolViolation, error.message)
        return false
    }

    /// Runs a store operation and answers ACK(value) or ERROR; store refusals keep the connection.
    private func answer(
        _ requestID: UInt32, state: ConnectionState, _ operation: () async throws(UploadStoreError) -> UInt64,
        onSuccess: () -> Void = {}
    ) async -> Bool {
        do {
            let value = try await operation()
            onSuccess()
            link.send(.ack(Ack(acknowledgedRequestID: requestID, value: value)), requestID: requestID, version: state.version)
        } catch {
            server.metrics.uploadRejected(error.code.rawValue)
            server.metrics.errorSent(error.code.rawValue)
            link.send(.error(ProtocolError(error.protocolCode, error.message).clampedForWire()), requestID: requestID, version: state.version)
        }
        return true
    }

    private func uploadKey(_ session: Session, _ uploadID: UInt64) -> UploadKey {
        UploadKey(clientID: session.clientID, uploadID: String(uploadID))
    }
}

/// What the connection task knows about its peer.
private struct ConnectionState {
    var session: Session?
    var version = ProtocolVersion.handshake
    var saidBye = false
}
