import Protocol

/// The session protocol (PROTOCOL.md §3–4) without a transport: given what the connection has
/// seen so far and a client message, what to do. ``BinaryConnection`` runs one per TCP
/// connection; ``HTTPSessionRoutes`` run one per request of an open session (its state is the
/// session itself, found by client id). Each transport only carries the actions out.
///
/// The transports differ in what rides in band: over HTTP, uploads have routes of their own
/// (`/v1/uploads`, which build the same ``UploadOperation``s) and a client answers nothing, so
/// PONG, ACK and ERROR are not expected from it there.
struct SessionStateMachine: Sendable {
    enum Transport: String, Sendable {
        case binary
        case http2
    }

    enum State: Sendable, Equatable {
        /// Nothing but HELLO is allowed.
        case awaitingHello
        /// HELLO is being authenticated; the shell reports ``sessionOpened(version:)`` or
        /// ``sessionRefused()``.
        case opening
        /// A session is bound; frames use the negotiated version.
        case open(version: UInt8)
        /// BYE was received or the connection is being closed.
        case closed
    }

    /// What the shell does with one message.
    enum Action: Sendable, Equatable {
        /// Authenticate the HELLO and open or resume the session, then answer WELCOME (or ERROR).
        case openSession(Hello)
        /// Keep the message in the session (the slot loop reads POSE, CHANNEL_REPORT, IMAGE);
        /// `reply` is the answer, if the message asks for one.
        case record(reply: Message?)
        /// Keep the message and run the upload operation; answer ACK(value) or ERROR.
        case upload(UploadOperation)
        /// The client said BYE: close the session for good (not a detach).
        case closeSession
        /// The client reported an error: log it, nothing else.
        case logClientError(ProtocolError)
        /// Answer ERROR; `endConnection` also says BYE and closes (a violation before HELLO).
        case refuse(ProtocolError, endConnection: Bool)
    }

    let transport: Transport
    private(set) var state: State

    /// A connection that has not said HELLO yet.
    init(transport: Transport) {
        self.transport = transport
        state = .awaitingHello
    }

    /// A session already open at `version` (an HTTP request of an existing session).
    init(transport: Transport, openAt version: UInt8) {
        self.transport = transport
        state = .open(version: version)
    }

    /// The action for `message` from the client, whose frame is `requestID`.
    mutating func receive(_ message: Message, clientID: String) -> Action {
        switch state {
        case .awaitingHello:
            guard case .hello(let hello) = message else {
                return .refuse(ProtocolError(.unexpectedMessage, "\(message.type) before HELLO"), endConnection: true)
            }
            state = .opening
            return .openSession(hello)
        case .opening, .closed:
            return .refuse(ProtocolError(.unexpectedMessage, "\(message.type) while the session is \(state)"), endConnection: false)
        case .open:
            return openSessionReceives(message, clientID: clientID)
        }
    }

    private mutating func openSessionReceives(_ message: Message, clientID: String) -> Action {
        switch (message, transport) {
        case (.pose, _), (.channelReport, _), (.pong, .binary), (.ack, .binary):
            return .record(reply: nil)
        case (.image, .binary):
            // PROTOCOL §4: an IMAGE is a request, answered by ACK (value 0); the request id is the shell's.
            return .record(reply: .ack(Ack(acknowledgedRequestID: 0, value: 0)))
        case (.image, .http2):
            return .record(reply: nil)
        case (.ping(let heartbeat), _):
            return .record(reply: .pong(heartbeat))
        case (.uploadBegin(let begin), .binary):
            return .upload(.begin(Self.key(clientID, begin.uploadID), totalSize: begin.totalSize, sha256: begin.sha256))
        case (.uploadChunk(let chunk), .binary):
            return .upload(.chunk(Self.key(clientID, chunk.uploadID), offset: chunk.offset, bytes: Array(chunk.data.readableBytesView)))
        case (.uploadEnd(let end), .binary):
            return .upload(.end(Self.key(clientID, end.uploadID)))
        case (.bye, _):
            state = .closed
            return .closeSession
        case (.error(let error), .binary):
            return .logClientError(error)
        case (.uploadBegin, .http2), (.uploadChunk, .http2), (.uploadEnd, .http2):
            return .refuse(
                ProtocolError(.unexpectedMessage, "\(message.type) is not sent on this route (uploads use /v1/uploads)"), endConnection: false)
        case (.hello, _), (.welcome, _), (.schedule, _), (.frame, _), (.pong, .http2), (.ack, .http2), (.error, .http2):
            return .refuse(ProtocolError(.unexpectedMessage, "a client does not send \(message.type) here"), endConnection: false)
        }
    }

    /// The HELLO was accepted at `version`.
    mutating func sessionOpened(version: UInt8) {
        if state == .opening { state = .open(version: version) }
    }

    /// The HELLO was refused: the connection ends.
    mutating func sessionRefused() {
        state = .closed
    }

    /// The version frames use now (the handshake version until a session is open).
    var version: UInt8 {
        if case .open(let version) = state { return version }
        return ProtocolVersion.handshake
    }

    /// A binary upload id names the upload in the store as its decimal digits, as the HTTP path does.
    private static func key(_ clientID: String, _ uploadID: UInt64) -> UploadKey {
        UploadKey(clientID: clientID, uploadID: String(uploadID))
    }
}
