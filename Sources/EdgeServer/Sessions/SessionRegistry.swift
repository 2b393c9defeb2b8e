import Foundation
import Logging
import NIOConcurrencyHelpers

/// All sessions of the daemon, with authentication, the session limit and resume-on-reconnect.
///
/// A session counts against ``ServerConfiguration/Limits/maxSessions`` from HELLO until it is
/// closed for good: either its client says BYE, or it stays detached for longer than the resume
/// grace window (``expireDetached(now:)``, called periodically by the daemon).
final class SessionRegistry: Sendable {
    private let authority: TokenAuthority
    private let maxSessions: Int
    private let resumeGrace: Duration
    private let journal: CatalogJournal
    private let metrics: ServerMetrics
    private let runID: Int64?
    private let logger: Logger
    private let sessions = NIOLockedValueBox([String: Session]())  // by client id
    /// Notified when a collector session opens, closes, or changes (the collection rounds wait
    /// on it instead of polling the registry).
    let collectorChanges = ChangeSignal()
    private let nextIndex = NIOLockedValueBox(UInt32(1))

    init(configuration: ServerConfiguration, journal: CatalogJournal, metrics: ServerMetrics, runID: Int64?, logger: Logger) {
        authority = TokenAuthority(configuration: configuration)
        maxSessions = configuration.limits.maxSessions
        resumeGrace = .seconds(checked: configuration.limits.resumeGraceSeconds)
        self.journal = journal
        self.metrics = metrics
        self.runID = runID
        self.logger = logger
    }

    /// Authenticates a HELLO and binds `connection` to a new or resumed session.
    ///
    /// The token must grant `clientID` in `role` (``TokenGrant``): a token cannot open, resume or
    /// replace the session of a client id it does not own.
    ///
    /// - Throws: ``SessionError`` — `unauthorized` (no session is created), `session_limit`,
    ///   an invalid client id, or a reconnect that changes the role.
    func open(
        clientID: String, role: SessionRole, token: String, transport: String, connection: any SessionConnection
    ) throws(SessionError) -> (session: Session, resumed: Bool) {
        guard let grant = authority.grant(for: token) else {
            metrics.authFailures.increment()
            throw SessionError(.unauthorized, token.isEmpty ? "a token is required" : "the token is not valid")
        }
        guard grant.allows(clientID: clientID, role: role) else {
            metrics.authFailures.increment()
            throw SessionError(.unauthorized, "the token does not grant client \(clientID) as \(role.rawValue)")
        }
        guard UploadKey.isSafeName(clientID) else {
            throw SessionError(
                .invalidClient, "client id \"\(clientID)\" must be 1–64 bytes of A–Z a–z 0–9 . _ - (the daemon names files after it)")
        }
        let result: Result<(Session, Bool, (any SessionConnection)?), SessionError> = sessions.withLockedValue { sessions in
            if let existing = sessions[clientID] {
                guard existing.role == role else {
                    return .failure(SessionError(.roleConflict, "client \(clientID) already has a \(existing.role.rawValue) session"))
                }
                let replaced = existing.attach(connection)
                return .success((existing, true, replaced))
            }
            guard sessions.count < maxSessions else {
                return .failure(SessionError(.sessionLimit, "the daemon already serves \(maxSessions) sessions"))
            }
            let index = nextIndex.withLockedValue { index in
                defer { index &+= 1 }; return index
            }
            let session = Session(
                id: UInt64(UInt32(truncatingIfNeeded: runID ?? 0)) << 32 | UInt64(index), linkID: index,
                clientID: clientID, role: role, changes: role == .collector ? collectorChanges : nil)
            _ = session.attach(connection)
            sessions[clientID] = session
            return .success((session, false, nil))
        }
        let (session, resumed, replaced) = try result.get()
        replaced?.close(reason: "the session was resumed by a newer connection")
        journal.record("session") { [runID] catalog in
            try catalog.openSession(id: String(session.id), runID: runID, clientID: clientID, role: role.rawValue, transport: transport)
        }
        publishCounts()
        logger.info(
            resumed ? "session resumed" : "session opened",
            metadata: ["client": "\(clientID)", "role": "\(role.rawValue)", "transport": "\(transport)"])
        return (session, resumed)
    }

    /// The connection ended without BYE: keep the session for the resume grace window.
    func detach(_ session: Session, connection: any SessionConnection) {
        guard session.detach(connection) else { return }
        if resumeGrace == .zero { close(session, reason: "disconnected") }
    }

    /// Ends a session for good (BYE, expiry, idle timeout).
    func close(_ session: Session, reason: String) {
        let removed = sessions.withLockedValue { sessions in
            guard sessions[session.clientID] === session else { return false }
            sessions[session.clientID] = nil
            return true
        }
        guard removed else { return }
        if session.role == .collector { collectorChanges.notify() }
        journal.record("session close") { catalog in try catalog.closeSession(id: String(session.id), reason: reason) }
        publishCounts()
        logger.info("session closed", metadata: ["client": "\(session.clientID)", "reason": "\(reason)"])
    }

    /// Closes sessions detached for longer than the grace window.
    func expireDetached(now: ContinuousClock.Instant = .now) {
        let expired = sessions.withLockedValue { sessions in
            sessions.values.filter { session in
                guard let detachedAt = session.snapshot.detachedAt else { return false }
                return now - detachedAt >= resumeGrace
            }
        }
        for session in expired { close(session, reason: "resume grace expired") }
    }

    /// Detaches polled (HTTP) sessions that were silent for `idleTimeout`; they then expire
    /// after the resume grace window like a dropped socket.
    func detachIdlePolledSessions(idleTimeout: Duration, now: ContinuousClock.Instant = .now) {
        let idle = sessions.withLockedValue { sessions in
            sessions.values.compactMap { session -> (Session, any SessionConnection)? in
                let state = session.snapshot
                guard let connection = state.connection, connection.isPolled, now - state.lastActivity >= idleTimeout else {
                    return nil
                }
                return (session, connection)
            }
        }
        for (session, connection) in idle { detach(session, connection: connection) }
    }

    /// Sessions of one role (all roles when nil), for the slot loop and the status page.
    func sessions(role: SessionRole? = nil) -> [Session] {
        sessions.withLockedValue { sessions in
            sessions.values.filter { role == nil || $0.role == role }.sorted { $0.clientID < $1.clientID }
        }
    }

    func session(clientID: String) -> Session? { sessions.withLockedValue { $0[clientID] } }

    /// Session counts by role; `attached` counts only sessions with a live connection.
    func counts(attachedOnly: Bool = false) -> [SessionRole: Int] {
        sessions.withLockedValue { sessions in
            var counts: [SessionRole: Int] = [:]
            for session in sessions.values where !attachedOnly || session.isAttached { counts[session.role, default: 0] += 1 }
            return counts
        }
    }

    private func publishCounts() { metrics.recordSessions(counts()) }
}
