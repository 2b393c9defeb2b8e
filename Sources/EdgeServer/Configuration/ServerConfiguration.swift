import NIOCore
import Protocol

/// Everything `edge-serverd` reads from its TOML file and command line.
///
/// Every property has the default documented in docs/OPERATIONS.md; ``validate()`` checks the
/// cross-field rules once both sources are merged, so that a bad value stops the daemon at start
/// with a message that names the key instead of failing later under load.
struct ServerConfiguration: Sendable, Equatable {
    /// A host and port to listen on.
    struct Endpoint: Sendable, Equatable, CustomStringConvertible {
        var host: String
        /// 0 asks the kernel for an ephemeral port (used by the tests).
        var port: Int

        var description: String { "\(host):\(port)" }
    }

    /// The binary TCP listener (`[binary]`).
    var binary = Endpoint(host: "127.0.0.1", port: 7450)
    /// The HTTP/2 listener (`[http]`).
    var http = Endpoint(host: "127.0.0.1", port: 7451)
    /// PEM certificate chain for h2 over TLS; TLS is on when both this and ``tlsPrivateKeyPath`` are set.
    var tlsCertificatePath: String? = nil
    /// PEM private key for h2 over TLS.
    var tlsPrivateKeyPath: String? = nil

    /// Tokens that grant every client id in every role (`[auth] tokens`, `--token`): the flat list
    /// of earlier releases, kept so that old files still start; ``tokenGrants`` restrict.
    var tokens: [String] = []
    /// Tokens bound to client ids and roles (`[[auth.grants]]`).
    var tokenGrants: [TokenGrant] = []
    /// Accept HELLO without a token (`[auth] allow_anonymous`); for local experiments only.
    var allowAnonymous = false

    /// Session and frame limits (`[limits]`).
    var limits = Limits()

    /// Where uploads and the catalog live (`[store] data_directory`).
    var dataDirectory = "edge-serverd-data"
    /// The largest upload the store accepts (`[store] max_upload_bytes`).
    var maxUploadBytes: Int64 = 1 << 30

    /// Seconds a SIGTERM/SIGINT drain may take before remaining connections are closed
    /// (`[lifecycle] shutdown_grace_seconds`).
    var shutdownGraceSeconds: Double = 10

    /// Slot length τ in milliseconds, announced in WELCOME (`[slot] length_ms`).
    var slotLengthMilliseconds: Double = 100
    /// Seed of the emulated channel realisations, announced in WELCOME (`[slot] channel_seed`).
    var channelSeed: UInt64 = 1
    /// Most planned future poses a client should send per POSE (WELCOME's horizon, `[slot] max_planned_poses`).
    var maxPlannedPoses = 16

    /// The slot loop's solvers, budgets and world (`[gsmr]`, `[irac]`, `[world]`).
    var slotLoop = SlotLoopConfiguration()
    /// The STT-GS collection rounds (`[sttgs]`).
    var rounds = RoundConfiguration()
    /// Model versions and the training service (`world.scene`, `[training]`).
    var models = ModelConfiguration()

    /// Multi-edge operation over etcd (`[cluster]`, `[scc]`), off by default.
    var cluster = ClusterConfiguration()

    /// swift-log level name (`[log] level`).
    var logLevel = "info"

    /// Session and frame limits.
    struct Limits: Sendable, Equatable {
        /// Concurrent sessions across all roles.
        var maxSessions = 1024
        /// Largest binary frame payload (the Protocol module's maximum; default 16 MiB).
        var maxFrameBytes = 16 << 20
        /// Bytes one session may have received but not yet processed (back-pressure bound).
        var sessionInflightBytes = 64 << 20
        /// Bytes the daemon may have queued for one binary client that has not read them yet;
        /// past it the client is cut off with `slow_consumer` (outbound back-pressure).
        var sessionOutboundBytes = 8 << 20
        /// A session that sends nothing for this long is closed with `idle_timeout`.
        var idleTimeoutSeconds: Double = 60
        /// A disconnected session's state is kept this long for a reconnect with the same client id.
        var resumeGraceSeconds: Double = 30
        /// Largest HTTP request body (uploads chunk through several requests).
        var httpMaxBodyBytes = 16 << 20
        /// Open connections per listener; more are closed at accept.
        var maxConnections = 4096
        /// Connections per listener still in their handshake (binary: no accepted HELLO; HTTP: no
        /// complete request head yet); more are closed at accept.
        var maxUnauthenticatedConnections = 256
        /// A connection that has not authenticated this long after accept is closed, so that
        /// silent or slow peers cannot keep the unauthenticated places taken.
        var handshakeTimeoutSeconds: Double = 10
    }

    /// Every grant: the explicit ones, then one unrestricted grant per flat token.
    var grants: [TokenGrant] { tokenGrants + tokens.map(TokenGrant.unrestricted) }

    /// The longest duration any key may hold (a week): every duration becomes a nanosecond
    /// count in an Int64, and nothing in the daemon waits longer.
    static let maxDurationSeconds = 7 * 86_400.0

    /// TLS is configured when both a certificate and a key are given.
    var tlsEnabled: Bool { tlsCertificatePath != nil && tlsPrivateKeyPath != nil }

    var shutdownGrace: TimeAmount { .seconds(checked: shutdownGraceSeconds) }
    var idleTimeout: TimeAmount { .seconds(checked: limits.idleTimeoutSeconds) }
    var handshakeTimeout: TimeAmount { .seconds(checked: limits.handshakeTimeoutSeconds) }

    /// Checks every rule that a single key cannot express.
    ///
    /// - Throws: ``ConfigurationError`` naming the first offending key.
    func validate() throws(ConfigurationError) {
        for (key, endpoint) in [("binary", binary), ("http", http)] {
            guard !endpoint.host.isEmpty else { throw .invalid("\(key).host", "must not be empty") }
            guard (0...65535).contains(endpoint.port) else {
                throw .invalid("\(key).port", "\(endpoint.port) is not in 0...65535")
            }
        }
        if binary.port != 0, binary == http {
            throw .invalid("http.port", "the binary and HTTP listeners both use \(binary)")
        }
        if (tlsCertificatePath == nil) != (tlsPrivateKeyPath == nil) {
            throw .invalid(
                "http.tls_certificate", "TLS needs both http.tls_certificate and http.tls_private_key")
        }
        try validateAuth()
        // The limits below are checked against a FRAME at irac.frame_size: an unusable frame
        // size is named as itself first.
        try slotLoop.validate()
        try Self.requirePositive(limits.maxSessions, "limits.max_sessions")
        try Self.requirePositive(limits.maxFrameBytes, "limits.max_frame_bytes")
        try Self.requirePositive(limits.sessionInflightBytes, "limits.session_inflight_bytes")
        let largestOutbound = WireFrame.headerLength + slotLoop.largestServerPayload
        guard limits.sessionOutboundBytes >= largestOutbound else {
            throw .invalid(
                "limits.session_outbound_bytes",
                "must hold at least one FRAME at irac.frame_size (\(largestOutbound) bytes; got \(limits.sessionOutboundBytes))")
        }
        try Self.requirePositive(limits.httpMaxBodyBytes, "limits.http_max_body_bytes")
        try Self.requirePositive(limits.maxConnections, "limits.max_connections")
        try Self.requirePositive(limits.maxUnauthenticatedConnections, "limits.max_unauthenticated_connections")
        try Self.requireDuration(limits.idleTimeoutSeconds, "limits.idle_timeout_seconds", minimum: 0.01)
        try Self.requireDuration(limits.resumeGraceSeconds, "limits.resume_grace_seconds", minimum: 0)
        try Self.requireDuration(limits.handshakeTimeoutSeconds, "limits.handshake_timeout_seconds", minimum: 0.01)
        if limits.maxFrameBytes > Int(UInt32.max) {
            throw .invalid("limits.max_frame_bytes", "must fit the u32 length field")
        }
        let largestFrame = slotLoop.largestServerPayload
        guard limits.maxFrameBytes >= largestFrame else {
            throw .invalid(
                "limits.max_frame_bytes",
                "\(limits.maxFrameBytes) cannot carry a HELLO (\(Hello.maxPayloadLength) bytes) or the daemon's largest FRAME at irac.frame_size / gsmr.mr_size (\(largestFrame) bytes)"
            )
        }
        if limits.sessionInflightBytes < limits.maxFrameBytes {
            throw .invalid(
                "limits.session_inflight_bytes",
                "\(limits.sessionInflightBytes) is smaller than limits.max_frame_bytes (\(limits.maxFrameBytes)), so one full frame could never be accepted"
            )
        }
        guard !dataDirectory.isEmpty else { throw .invalid("store.data_directory", "must not be empty") }
        try Self.requirePositive(maxUploadBytes, "store.max_upload_bytes")
        try Self.requireDuration(shutdownGraceSeconds, "lifecycle.shutdown_grace_seconds", minimum: 0.01)
        // WELCOME announces τ in whole microseconds (≥ 1) as a u32; below 1 ms no slot could
        // hold a solve, a render and a send.
        guard slotLengthMilliseconds.isFinite, (1...60_000).contains(slotLengthMilliseconds) else {
            throw .invalid("slot.length_ms", "must be in 1...60000 (got \(slotLengthMilliseconds))")
        }
        guard (0...Int(UInt16.max)).contains(maxPlannedPoses) else {
            throw .invalid("slot.max_planned_poses", "must be in 0...65535")
        }
        try rounds.validate()
        try models.validate()
        try cluster.validate()
        guard LogLevelName.parse(logLevel) != nil else {
            throw .invalid("log.level", "\"\(logLevel)\" is not one of \(LogLevelName.allNames)")
        }
    }

    /// A duration in seconds within `minimum...maxDurationSeconds`, so that its conversion to
    /// nanoseconds cannot overflow.
    static func requireDuration(_ seconds: Double, _ key: String, minimum: Double) throws(ConfigurationError) {
        guard seconds.isFinite, (minimum...maxDurationSeconds).contains(seconds) else {
            throw .invalid(key, "must be a number of seconds in \(minimum)...\(maxDurationSeconds) (got \(seconds))")
        }
    }

    private func validateAuth() throws(ConfigurationError) {
        if grants.isEmpty && !allowAnonymous {
            throw .invalid(
                "auth.tokens",
                "no token is configured, so every client would be refused: add [[auth.grants]] (or a token, or --token) or set auth.allow_anonymous = true"
            )
        }
        if let empty = tokens.firstIndex(where: \.isEmpty) {
            throw .invalid("auth.tokens", "token #\(empty + 1) is empty")
        }
        for (index, grant) in tokenGrants.enumerated() {
            let key = "auth.grants[\(index)]"
            guard !grant.token.isEmpty else { throw .invalid(key + ".token", "must not be empty") }
            guard !grant.clients.isEmpty else { throw .invalid(key + ".clients", "must name at least one client id or pattern") }
            guard !grant.roles.isEmpty else { throw .invalid(key + ".roles", "must name at least one role") }
        }
    }

    private static func requirePositive<T: Numeric & Comparable>(_ value: T, _ key: String) throws(ConfigurationError) {
        guard value > .zero else { throw .invalid(key, "must be > 0 (got \(value))") }
        if let double = value as? Double, !double.isFinite { throw .invalid(key, "must be finite") }
    }
}

extension TimeAmount {
    /// A validated number of seconds (``ServerConfiguration/requireDuration(_:_:minimum:)``) as a
    /// time amount; saturates instead of trapping should an unvalidated value reach it.
    static func seconds(checked seconds: Double) -> TimeAmount {
        .nanoseconds(Int64(saturating: seconds * 1e9))
    }
}

extension Duration {
    /// As ``NIOCore/TimeAmount/seconds(checked:)``, for the standard library's clocks.
    static func seconds(checked seconds: Double) -> Duration {
        .nanoseconds(Int64(saturating: seconds * 1e9))
    }
}
