import ServiceLifecycle

/// Once per `interval`: detaches HTTP sessions idle for `idleTimeout` and closes sessions whose
/// resume grace window has passed.
struct SessionJanitor: Service {
    let sessions: SessionRegistry
    let interval: Duration
    let idleTimeout: Duration

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            // Sleeping is cut short by a graceful shutdown, so the janitor never delays a drain.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            sessions.detachIdlePolledSessions(idleTimeout: idleTimeout)
            sessions.expireDetached()
        }
    }
}
