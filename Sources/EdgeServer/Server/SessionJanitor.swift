import ServiceLifecycle

/// Closes sessions whose resume grace window has passed, once per `interval`.
struct SessionJanitor: Service {
    let sessions: SessionRegistry
    let interval: Duration

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            // Sleeping is cut short by a graceful shutdown, so the janitor never delays a drain.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            sessions.expireDetached()
        }
    }
}
