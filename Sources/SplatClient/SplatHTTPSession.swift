import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Protocol

/// A ``SplatSession`` over HTTP/2 (h2c, prior knowledge): HELLO is `POST /v1/sessions`, client
/// messages are `POST /v1/sessions/{client}/messages`, and the server's pushes arrive on one
/// long-lived `GET /v1/sessions/{client}/events` stream opened right after WELCOME (messages the
/// daemon queued in between are delivered first, so none is lost).
public final class SplatHTTPSession: SplatSession {
    public let pushes: AsyncStream<WireFrame>
    private let pushContinuation: AsyncStream<WireFrame>.Continuation
    private let client: SplatHTTPClient
    /// The session's client id once HELLO succeeded, and the task following its event stream.
    private let state = NIOLockedValueBox<(clientID: String, events: Task<Void, Never>)?>(nil)

    /// Connects to the daemon's HTTP listener; `token` is the bearer token of the session routes.
    public static func connect(
        host: String, port: Int, token: String, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> SplatHTTPSession {
        SplatHTTPSession(client: try await SplatHTTPClient.connect(host: host, port: port, token: token, group: group))
    }

    private init(client: SplatHTTPClient) {
        self.client = client
        (pushes, pushContinuation) = AsyncStream<WireFrame>.makeStream()
    }

    /// Opens the session and starts following its event stream.
    ///
    /// - Throws: ``SplatClientError/server(_:)`` with the server's `ERROR`;
    ///   ``SplatClientError/unexpectedAnswer(_:)`` when HELLO was already sent on this session.
    public func hello(_ hello: Hello) async throws -> Welcome {
        let welcome = try await client.hello(hello)
        let (client, continuation) = (self.client, pushContinuation)
        let started: Bool = state.withLockedValue { state in
            guard state == nil else { return false }
            state = (
                hello.clientID,
                Task {
                    // The stream ends when the daemon or the connection ends it; either way the
                    // session has no more pushes.
                    try? await client.followEvents(clientID: hello.clientID) { continuation.yield($0) }
                    continuation.finish()
                }
            )
            return true
        }
        guard started else { throw SplatClientError.unexpectedAnswer(.welcome) }
        return welcome
    }

    /// Sends a session message.
    ///
    /// - Throws: ``SplatClientError/closed`` before HELLO; the daemon's refusal otherwise.
    public func send(_ message: Message) async throws {
        guard let clientID = state.withLockedValue({ $0?.clientID }) else { throw SplatClientError.closed }
        try await client.send(message, clientID: clientID)
    }

    /// Says BYE (which ends the session on the daemon) and closes the connection.
    public func bye(_ reason: Bye.Reason = .normal) async {
        try? await send(.bye(Bye(reason: reason)))
        await close()
    }

    /// Closes the connection, which also ends the event stream and ``pushes``.
    public func close() async {
        await client.close()
        if let events = state.withLockedValue({ $0?.events }) { await events.value }
        pushContinuation.finish()
    }
}
