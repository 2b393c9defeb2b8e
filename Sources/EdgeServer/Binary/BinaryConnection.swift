import Logging
import NIOConcurrencyHelpers
import NIOCore
import Protocol
import ServiceLifecycle

/// One binary TCP connection: its ``SessionStateMachine`` fed with the frames in order, and the
/// actions carried out on the connection.
///
/// Responses (`WELCOME`, `ACK`, `ERROR`, `PONG`) echo the request's id. A frame the decoder
/// rejects ends the connection with an `ERROR` carrying the decoder's code; a valid message
/// that is not allowed in the current state gets `ERROR unexpected_message` (and ends the
/// connection only before HELLO). Everything here is local to this connection's task.
struct BinaryConnection: Sendable {
    private let channel: NIOAsyncChannel<WireFrame, WireFrame>
    private let services: SessionServices
    private let link: ConnectionLink
    private let admission: ConnectionAdmission?

    init(_ accepted: AcceptedConnection, services: SessionServices, link: ConnectionLink) {
        channel = accepted.channel
        self.services = services
        self.link = link
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
                await link.fail(error) { [metrics = services.metrics] in metrics.errorSent(error.code.description) }
            } catch {
                // The peer reset the connection or the channel closed under us; nothing to tell it.
            }
            await link.closed()
        }
        if let session = state.session {
            if state.machine.state == .closed {
                services.sessions.close(session, reason: "bye")
            } else {
                services.sessions.detach(session, connection: link)
            }
        }
    }

    /// Handles one frame; returns false when the connection must close.
    private func handle(_ frame: WireFrame, state: inout ConnectionState) async -> Bool {
        let message = frame.message
        let requestID = frame.requestID
        services.metrics.messageReceived(message.type, transport: .binary)
        let action = state.machine.receive(message, clientID: state.session?.clientID ?? "")
        if case .openSession = action {} else { state.session?.received(message) }
        switch action {
        case .openSession(let hello):
            return openSession(hello, requestID: requestID, state: &state)
        case .record(let reply):
            if let reply { answer(reply, to: requestID, state) }
            return true
        case .upload(let operation):
            await upload(operation, requestID: requestID, state: state)
            return true
        case .closeSession:
            return false
        case .logClientError(let error):
            services.logger.notice("client reported an error", metadata: ["client": "\(state.session?.clientID ?? "")", "error": "\(error)"])
            return true
        case .refuse(let error, let endConnection):
            services.metrics.errorSent(error.code.description)
            link.send(.error(error.clampedForWire()), requestID: requestID, version: state.machine.version)
            guard endConnection else { return true }
            link.sayGoodbye(.protocolViolation, error.message)
            return false
        }
    }

    private func openSession(_ hello: Hello, requestID: UInt32, state: inout ConnectionState) -> Bool {
        do {
            let (session, welcome) = try services.gateway.open(hello, transport: .binary, connection: link)
            state.session = session
            state.machine.sessionOpened(version: welcome.version)
            link.welcome(welcome, requestID: requestID)
            // Authenticated: frames up to the configured maximum from now on.
            admission?.authenticated()
            return true
        } catch {
            // ERROR then BYE, and the connection ends (no session is created or kept).
            state.machine.sessionRefused()
            services.metrics.errorSent(error.code.description)
            link.send(.error(error.clampedForWire()), requestID: requestID, version: ProtocolVersion.handshake)
            link.sayGoodbye(.protocolViolation, error.message)
            return false
        }
    }

    /// Runs an upload step and answers ACK(value) or ERROR; store refusals keep the connection.
    private func upload(_ operation: UploadOperation, requestID: UInt32, state: ConnectionState) async {
        if case .end(let key) = operation, let id = UInt64(key.uploadID) { link.uploadEnded(id) }
        do {
            let outcome = try await services.uploads.perform(operation)
            if case .begin(let key, _, _) = operation, let id = UInt64(key.uploadID) { link.uploadStarted(id) }
            answer(.ack(Ack(acknowledgedRequestID: requestID, value: outcome.acknowledgedValue)), to: requestID, state)
        } catch {
            services.metrics.errorSent(error.code.rawValue)
            link.send(.error(error.protocolError.clampedForWire()), requestID: requestID, version: state.machine.version)
        }
    }

    /// A reply echoes the request id (an ACK also names it in its payload).
    private func answer(_ reply: Message, to requestID: UInt32, _ state: ConnectionState) {
        var message = reply
        if case .ack(var ack) = reply {
            ack.acknowledgedRequestID = requestID
            message = .ack(ack)
        }
        link.send(message, requestID: requestID, version: state.machine.version)
    }
}

/// What the connection task knows about its peer.
private struct ConnectionState {
    var machine = SessionStateMachine(transport: .binary)
    var session: Session?
}
