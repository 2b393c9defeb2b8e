import NIOConcurrencyHelpers
import NIOCore

/// A listener's bound on open connections and on connections that have not authenticated yet
/// (``ServerConfiguration/Limits/maxConnections``, ``ServerConfiguration/Limits/maxUnauthenticatedConnections``).
///
/// A peer that never authenticates can hold only a handful of bytes (the handshake frame limit,
/// the HTTP header limits) in each of at most `maxUnauthenticated` connections, so what anonymous
/// peers can make the daemon hold is bounded whatever they declare or send.
final class ConnectionGate: Sendable {
    private struct Counts {
        var open = 0
        var unauthenticated = 0
    }

    let maxConnections: Int
    let maxUnauthenticated: Int
    private let counts = NIOLockedValueBox(Counts())

    init(maxConnections: Int, maxUnauthenticated: Int) {
        self.maxConnections = maxConnections
        self.maxUnauthenticated = maxUnauthenticated
    }

    /// A ticket for `channel`, or nil when either bound is reached (close it at once). The
    /// channel is closed if it has not authenticated within `handshakeTimeout`, and its place is
    /// released when it closes.
    func admit(_ channel: any Channel, handshakeTimeout: TimeAmount) -> ConnectionAdmission? {
        guard let admission = admit() else { return nil }
        channel.closeFuture.whenComplete { _ in admission.release() }
        let timer = channel.eventLoop.scheduleTask(in: handshakeTimeout) {
            if !admission.isAuthenticated { channel.close(promise: nil) }
        }
        admission.whenAuthenticated { timer.cancel() }
        return admission
    }

    private func admit() -> ConnectionAdmission? {
        let admitted = counts.withLockedValue { counts -> Bool in
            guard counts.open < maxConnections, counts.unauthenticated < maxUnauthenticated else { return false }
            counts.open += 1
            counts.unauthenticated += 1
            return true
        }
        return admitted ? ConnectionAdmission(gate: self) : nil
    }

    /// Connections open now, and how many of them have not authenticated.
    var current: (open: Int, unauthenticated: Int) {
        counts.withLockedValue { ($0.open, $0.unauthenticated) }
    }

    fileprivate func authenticated() { counts.withLockedValue { $0.unauthenticated -= 1 } }

    fileprivate func release(wasAuthenticated: Bool) {
        counts.withLockedValue { counts in
            counts.open -= 1
            if !wasAuthenticated { counts.unauthenticated -= 1 }
        }
    }
}

/// One admitted connection's place in its ``ConnectionGate``: unauthenticated until
/// ``authenticated()``, released (once) when the connection closes.
final class ConnectionAdmission: Sendable {
    private let gate: ConnectionGate
    private let state = NIOLockedValueBox((authenticated: false, released: false))
    /// What to do once authenticated (cancel the handshake timer, lift the frame limit).
    private let onAuthenticated = NIOLockedValueBox<[@Sendable () -> Void]>([])

    fileprivate init(gate: ConnectionGate) { self.gate = gate }

    /// Called once the connection has authenticated (binary: WELCOME; HTTP: a valid bearer).
    func whenAuthenticated(_ action: @escaping @Sendable () -> Void) {
        onAuthenticated.withLockedValue { $0.append(action) }
    }

    var isAuthenticated: Bool { state.withLockedValue { $0.authenticated } }

    /// The peer has authenticated: it no longer counts against the unauthenticated bound.
    func authenticated() {
        let first = state.withLockedValue { state -> Bool in
            guard !state.authenticated, !state.released else { return false }
            state.authenticated = true
            return true
        }
        guard first else { return }
        gate.authenticated()
        for action in onAuthenticated.withLockedValue({ $0 }) { action() }
    }

    /// The connection closed.
    func release() {
        let wasAuthenticated = state.withLockedValue { state -> Bool? in
            guard !state.released else { return nil }
            state.released = true
            return state.authenticated
        }
        if let wasAuthenticated { gate.release(wasAuthenticated: wasAuthenticated) }
    }
}
