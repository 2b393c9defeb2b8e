import Foundation
import NIOConcurrencyHelpers

/// A client's session: identity and the state that survives a reconnect within the grace window.
///
/// Transports attach a connection to a session (``attach(_:)``) and detach it when the
/// connection ends; the registry keeps a detached session for the resume grace period. The slot
/// loop (issue 7) reads sessions through ``SessionRegistry/sessions(role:)`` and talks to the
/// client through the attached ``SessionConnection``.
final class Session: Sendable {
    /// Server-assigned, stable across resumes.
    let id: String
    let clientID: String
    let role: SessionRole
    private let state: NIOLockedValueBox<State>

    struct State: Sendable {
        var connection: (any SessionConnection)?
        var detachedAt: ContinuousClock.Instant?
        var lastActivity: ContinuousClock.Instant
        var resumes = 0
        var messagesReceived = 0
        /// The latest payload received per message type name (POSE, CHANNEL_REPORT, …): what
        /// the slot loop snapshots each slot.
        var latestPayloads: [String: [UInt8]] = [:]
    }

    init(id: String, clientID: String, role: SessionRole) {
        self.id = id
        self.clientID = clientID
        self.role = role
        state = NIOLockedValueBox(State(lastActivity: .now))
    }

    /// A copy of the session's mutable state.
    var snapshot: State { state.withLockedValue { $0 } }

    var isAttached: Bool { state.withLockedValue { $0.connection != nil } }

    /// Binds a connection, returning the one it replaces (a stale connection of the same client).
    func attach(_ connection: any SessionConnection) -> (any SessionConnection)? {
        state.withLockedValue { state in
            let previous = state.connection
            if state.detachedAt != nil || previous != nil { state.resumes += 1 }
            state.connection = connection
            state.detachedAt = nil
            state.lastActivity = .now
            return previous
        }
    }

    /// Unbinds `connection` if it is still the attached one; returns whether it was.
    func detach(_ connection: any SessionConnection) -> Bool {
        state.withLockedValue { state in
            guard let current = state.connection, current.connectionID == connection.connectionID else { return false }
            state.connection = nil
            state.detachedAt = .now
            return true
        }
    }

    /// Records a message from the client (the idle timer restarts).
    func received(_ typeName: String, payload: [UInt8]?) {
        state.withLockedValue { state in
            state.lastActivity = .now
            state.messagesReceived += 1
            if let payload { state.latestPayloads[typeName] = payload }
        }
    }

    /// Sends a message to the client when a connection is attached.
    ///
    /// - Returns: false when the client is disconnected (the caller counts it, e.g. as a miss).
    @discardableResult
    func send(type: UInt8, payload: [UInt8]) -> Bool {
        guard let connection = state.withLockedValue({ $0.connection }) else { return false }
        connection.send(type: type, payload: payload)
        return true
    }
}

/// A live transport connection bound to a session.
protocol SessionConnection: Sendable {
    /// Unique per connection, to tell a stale connection from the current one.
    var connectionID: UInt64 { get }
    /// Queues a message to the client (never blocks).
    func send(type: UInt8, payload: [UInt8])
    /// Closes the connection (a newer connection took over the session).
    func close(reason: String)
}
