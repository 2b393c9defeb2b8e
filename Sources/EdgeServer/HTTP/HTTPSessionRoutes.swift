import NIOCore
import NIOHTTP1
import Protocol

/// Sessions over HTTP/2, carrying the binary protocol's payloads (`application/x-splatedge`,
/// the message named by the `splatedge-type` header):
///
/// | request | body | answer |
/// |---|---|---|
/// | `POST /v1/sessions` | HELLO | 200 WELCOME, or 4xx ERROR |
/// | `POST /v1/sessions/{client}/messages` + `splatedge-type` | POSE, CHANNEL_REPORT, IMAGE, PING, BYE | 204; 200 PONG for PING; 4xx ERROR |
/// | `GET /v1/sessions/{client}/messages` | — | 200: the queued server messages as wire frames (`application/x-splatedge-frames`); 204 when none |
/// | `GET /v1/sessions/{client}/events` | — | 200 and a body that never ends on its own: the queued messages, then every server message as it is sent, each a wire frame (`application/x-splatedge-frames`) |
///
/// Session routes need `authorization: Bearer <token>` besides HELLO's own token, because the
/// client id in the path is not a secret.
struct HTTPSessionRoutes: Sendable {
    static let payloadType = "application/x-splatedge"
    static let framesType = "application/x-splatedge-frames"
    /// The answer to a message that expects none (204), built once: every POSE gets it.
    static let accepted = HTTPResponse(status: .noContent, contentType: payloadType, body: ByteBuffer())
    /// Server messages kept per HTTP session between polls.
    static let inboxCapacity = 256

    let services: SessionServices

    func route(_ request: HTTPRequest, rest: ArraySlice<Substring>) -> HTTPResponse {
        switch (request.method, rest.count) {
        case (.POST, 0):
            return hello(request)
        case (.POST, 2) where rest.last == "messages":
            return receive(request, clientID: String(rest.first!))
        case (.GET, 2) where rest.last == "messages":
            return poll(clientID: String(rest.first!))
        default:
            return .text(.notFound, "no session route for \(request.method) \(request.path)\n")
        }
    }

    private func hello(_ request: HTTPRequest) -> HTTPResponse {
        do throws(ProtocolError) {
            guard case .hello(let hello) = try Message(type: .hello, payload: request.body) else {
                throw ProtocolError(.invalidValue, "the body is not a HELLO payload")
            }
            let connection = HTTPSessionConnection(capacity: Self.inboxCapacity, metrics: services.metrics)
            let (_, welcome) = try services.gateway.open(hello, transport: .http2, connection: connection)
            return Self.payload(.welcome(welcome))
        } catch {
            return refusal(error)
        }
    }

    private func receive(_ request: HTTPRequest, clientID: String) -> HTTPResponse {
        guard let session = attachedSession(clientID) else {
            return refusal(ProtocolError(.unexpectedMessage, "no HTTP session for client \(clientID): POST /v1/sessions first"))
        }
        let message: Message
        do throws(ProtocolError) {
            let type = try Self.messageType(request.headers.first(name: "splatedge-type"))
            message = try Message(type: type, payload: request.body)
        } catch {
            return refusal(error)
        }
        services.metrics.messageReceived(message.type, transport: .http2)
        var machine = SessionStateMachine(transport: .http2, openAt: ProtocolVersion.implemented.upperBound)
        let action = machine.receive(message, clientID: clientID)
        session.received(message)
        switch action {
        case .record(let reply?):
            return Self.payload(reply)
        case .record(nil):
            return Self.accepted
        case .closeSession:
            services.sessions.close(session, reason: "bye")
            return Self.accepted
        case .refuse(let error, _):
            return refusal(error)
        case .openSession, .upload, .logClientError:
            // An open session over HTTP carries neither HELLO nor uploads nor client errors here.
            return refusal(ProtocolError(.unexpectedMessage, "\(message.type) is not sent on this route"))
        }
    }

    private func poll(clientID: String) -> HTTPResponse {
        guard let session = attachedSession(clientID), let connection = session.connection as? HTTPSessionConnection else {
            return refusal(ProtocolError(.unexpectedMessage, "no HTTP session for client \(clientID)"))
        }
        session.touch()
        let messages = connection.drain()
        guard !messages.isEmpty else {
            return HTTPResponse(status: .noContent, contentType: Self.framesType, body: ByteBuffer())
        }
        var body = ByteBuffer()
        for message in messages {
            do {
                try body.writeWireFrame(WireFrame(message: message))
            } catch {
                services.logger.error("could not encode a queued message", metadata: ["error": "\(error)"])
            }
        }
        return HTTPResponse(status: .ok, contentType: Self.framesType, body: body)
    }

    /// A client's event stream: the pushes of a session without polling. While it is open the
    /// session is not idle; when it ends (the client reset it or its connection dropped),
    /// messages queue for polling again and the idle timer restarts.
    func events(clientID: String) -> HTTPRouter.Result {
        guard let session = attachedSession(clientID), let connection = session.connection as? HTTPSessionConnection else {
            return .immediate(refusal(ProtocolError(.unexpectedMessage, "no HTTP session for client \(clientID)")), route: "sessions")
        }
        session.touch()
        let head = HTTPResponse(status: .ok, contentType: Self.framesType, body: ByteBuffer())
        return .streaming(
            route: "session_events",
            HTTPEventStream(head: head) { stream in
                connection.attach(stream)
                return {
                    connection.detach(stream)
                    session.touch()
                }
            })
    }

    private func attachedSession(_ clientID: String) -> Session? {
        guard let session = services.sessions.session(clientID: clientID), session.connection is HTTPSessionConnection
        else { return nil }
        return session
    }

    private func refusal(_ error: ProtocolError) -> HTTPResponse {
        services.metrics.errorSent(error.code.description)
        return Self.errorPayload(error, status: error.httpStatus)
    }

    /// An ERROR payload (`splatedge-type: ERROR`) with `status`, as every session-route refusal.
    static func errorPayload(_ error: ProtocolError, status: HTTPResponseStatus) -> HTTPResponse {
        var response = payload(.error(error.clampedForWire()))
        response.status = status
        return response
    }

    /// A message's payload as a 200 response (`splatedge-type` names it).
    static func payload(_ message: Message) -> HTTPResponse {
        var body = ByteBuffer()
        do {
            try message.writePayload(to: &body)
        } catch {
            return .text(.internalServerError, "could not encode \(message.type): \(error)\n")
        }
        return HTTPResponse(
            status: .ok, contentType: payloadType, body: body, headers: ["splatedge-type": message.type.description])
    }

    /// Message types by their documented names.
    private static let namedTypes = Dictionary(uniqueKeysWithValues: MessageType.allCases.map { ($0.description, $0) })

    /// A message type from its documented name (`POSE`, any case) or its wire number (`3`).
    static func messageType(_ header: String?) throws(ProtocolError) -> MessageType {
        guard let header else { throw ProtocolError(.unknownType, "the splatedge-type header is missing") }
        // Clients send the documented upper-case name: it is looked up as sent, and upper-cased
        // (a new string) only when that fails.
        if let type = namedTypes[header] ?? namedTypes[header.uppercased()] { return type }
        if let raw = UInt8(header), let type = MessageType(rawValue: raw) { return type }
        throw ProtocolError(.unknownType, "splatedge-type \"\(header)\" names no message")
    }
}
