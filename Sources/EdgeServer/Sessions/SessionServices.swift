import Logging

/// What a transport needs to serve sessions: HELLO (``SessionGateway``), the registry to close
/// or detach sessions, the uploads, and metrics and the log. Both the binary connection and the
/// HTTP session routes are built from this and nothing else of the daemon.
struct SessionServices: Sendable {
    let gateway: SessionGateway
    let uploads: UploadService
    let metrics: ServerMetrics
    let logger: Logger

    var sessions: SessionRegistry { gateway.sessions }
}
