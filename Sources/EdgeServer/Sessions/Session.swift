import NIOConcurrencyHelpers
import Protocol

/// A client's session: identity and the state that survives a reconnect within the grace window.
///
/// Transports attach a connection to a session (``attach(_:)``) and detach it when the
/// connection ends; the registry keeps a detached session for the resume grace period. The slot
/// loop reads sessions through ``SessionRegistry/sessions(role:)`` and talks to the
/// client through the attached ``SessionConnection``.
final class Session: Sendable {
    /// Server-assigned, stable across resumes (WELCOME's session id): the run id in the high
    /// 32 bits, a per-run counter in the low 32, so ids never repeat across daemon restarts.
    let id: UInt64
    /// The client's emulated-link index (WELCOME's link id), stable across resumes.
    let linkID: UInt32
    let clientID: String
    let role: SessionRole
    /// Notified after every change of the session's state (connection, messages, capabilities),
    /// for whoever waits on it (the collection rounds wait on their collectors').
    private let changes: ChangeSignal?
    private let state: NIOLockedValueBox<State>

    struct State: Sendable {
        var connection: (any SessionConnection)?
        var detachedAt: ContinuousClock.Instant?
        var lastActivity: ContinuousClock.Instant
        var resumes = 0
        var messagesReceived = 0
        /// The latest POSE, CHANNEL_REPORT and IMAGE: what the slot loop snapshots each slot.
        var latest: [MessageType: Message] = [:]
        /// The capabilities of the latest HELLO (a collector's registration rides on them).
        var capabilities: [String] = []
    }

    init(id: UInt64, linkID: UInt32, clientID: String, role: SessionRole, changes: ChangeSignal? = nil) {
        self.id = id
        self.linkID = linkID
        self.clientID = clientID
        self.role = role
        self.changes = changes
        state = NIOLockedValueBox(State(lastActivity: .now))
    }

    /// A copy of the session's mutable state.
    var snapshot: State { state.withLockedValue { $0 } }

    var isAttached: Bool { state.withLockedValue { $0.connection != nil } }

    /// The attached connection (without copying the rest of the state, as ``snapshot`` does:
    /// every HTTP session request reads it).
    var connection: (any SessionConnection)? { state.withLockedValue { $0.connection } }

    /// Binds a connection, returning the one it replaces (a stale connection of the same client).
    func attach(_ connection: any SessionConnection) -> (any SessionConnection)? {
        defer { changes?.notify() }
        return state.withLockedValue { state in
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
        defer { changes?.notify() }
        return state.withLockedValue { state in
            guard let current = state.connection, current.connectionID == connection.connectionID else { return false }
            state.connection = nil
            state.detachedAt = .now
            return true
        }
    }

    /// Records a message from the client; state-carrying messages replace their predecessor.
    func received(_ message: Message) {
        let kept = message.withUnitQuaternions
        state.withLockedValue { state in
            state.lastActivity = .now
            state.messagesReceived += 1
            switch kept {
            case .pose, .channelReport, .image: state.latest[kept.type] = kept
            default: break
            }
        }
        changes?.notify()
    }

    /// Records the capabilities the client declared in its latest HELLO.
    func declare(capabilities: [String]) {
        state.withLockedValue { $0.capabilities = capabilities }
        changes?.notify()
    }

    /// Restarts the idle timer without a message (an HTTP client polling its inbox).
    func touch() { state.withLockedValue { $0.lastActivity = .now } }

    /// Sends a message to the client when a connection is attached.
    ///
    /// - Returns: false when the client is disconnected (the caller counts it, e.g. as a miss).
    @discardableResult
    func send(_ message: Message) -> Bool {
        guard let connection = state.withLockedValue({ $0.connection }) else { return false }
        connection.send(message)
        return true
    }
}

/// A live transport connection bound to a session.
protocol SessionConnection: Sendable {
    /// Unique per connection, to tell a stale connection from the current one.
    var connectionID: UInt64 { get }
    /// True for connections without a socket (HTTP polling), whose idleness the registry must
    /// detect itself; socket connections have their own idle timer.
    var isPolled: Bool { get }
    /// Queues a message to the client (never blocks).
    func send(_ message: Message)
    /// Closes the connection (a newer connection took over the session).
    func close(reason: String)
}

extension SessionConnection {
    var isPolled: Bool { false }
}

extension Message {
    /// The message with every pose's orientation normalised, so that the slot loop, the MR board
    /// and the rounds (grids, cameras, quantised keys) only ever see unit quaternions, whatever
    /// finite non-zero quaternion the client sent.
    fileprivate var withUnitQuaternions: Message {
        switch self {
        case .pose(var report):
            report.pose = report.pose.normalized
            report.plannedPoses = report.plannedPoses.map(\.normalized)
            return .pose(report)
        case .image(var image):
            image.pose = image.pose.normalized
            return .image(image)
        default:
            return self
        }
    }
}
