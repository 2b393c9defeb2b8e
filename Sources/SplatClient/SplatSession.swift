import NIOCore
import Protocol

/// A client's session with `edge-serverd`, whatever carries it: the binary protocol over TCP
/// (``SplatConnection``) or HTTP/2 (``SplatHTTPSession``). Code written against this protocol
/// (client-sim's agents) behaves the same over both transports.
public protocol SplatSession: Sendable {
    /// Server-initiated frames (SCHEDULE, FRAME, BYE, unsolicited ERROR) in arrival order;
    /// finishes when the session's transport closes.
    var pushes: AsyncStream<WireFrame> { get }

    /// Opens the session: HELLO → WELCOME.
    ///
    /// - Throws: ``SplatClientError/server(_:)`` with the server's `ERROR` (e.g. `unauthorized`).
    func hello(_ hello: Hello) async throws -> Welcome

    /// Sends a message that expects no answer (POSE, CHANNEL_REPORT, IMAGE).
    func send(_ message: Message) async throws

    /// Says BYE and closes.
    func bye(_ reason: Bye.Reason) async

    /// Closes without BYE.
    func close() async
}

extension SplatConnection: SplatSession {
    /// Sends `message` in the newest protocol version this client implements.
    public func send(_ message: Message) async throws {
        try await send(message, version: ProtocolVersion.implemented.upperBound)
    }
}

/// The transports a ``SplatSession`` can use.
public enum SplatTransport: String, CaseIterable, Sendable {
    /// The binary protocol over TCP (the daemon's binary listener).
    case tcp
    /// HTTP/2 with prior knowledge over cleartext TCP (h2c, the daemon's HTTP listener).
    case h2

    /// Connects to the listener of this transport at `host:port`; `token` authorises the HTTP
    /// routes (HELLO carries its own token on both transports).
    public func connect(host: String, port: Int, token: String) async throws -> any SplatSession {
        switch self {
        case .tcp: try await SplatConnection.connect(host: host, port: port)
        case .h2: try await SplatHTTPSession.connect(host: host, port: port, token: token)
        }
    }
}
