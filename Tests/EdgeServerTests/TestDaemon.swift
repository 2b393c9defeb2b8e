import Foundation
import Logging
import NIOCore
import Protocol
import ServiceLifecycle
import SplatClient
import Testing

@testable import EdgeServer

/// An in-process daemon on ephemeral ports with its own temporary data directory.
struct TestDaemon {
    static let token = "test-token-0123"

    let server: EdgeDaemon
    let addresses: EdgeDaemon.BoundAddresses
    let dataDirectory: String
    let runTask: Task<Void, any Error>

    var binaryPort: Int { addresses.binary.port! }
    var httpPort: Int { addresses.http.port! }

    /// Starts a daemon; `configure` adjusts the test configuration first.
    static func start(
        dataDirectory: String? = nil, withSlotLoop: Bool = false, _ configure: (inout ServerConfiguration) -> Void = { _ in }
    ) async throws -> TestDaemon {
        var configuration = ServerConfiguration()
        configuration.binary.port = 0
        configuration.http.port = 0
        configuration.tokens = [token]
        configuration.dataDirectory = dataDirectory ?? temporaryDirectory()
        configuration.shutdownGraceSeconds = 5
        configuration.limits.resumeGraceSeconds = 5
        configure(&configuration)
        var logger = Logger(label: "edge-serverd-test")
        logger.logLevel = .warning
        let server = try EdgeDaemon(configuration: configuration, logger: logger, eventLoopThreads: 2)
        let services = try server.services(slotLoop: withSlotLoop, rounds: false)
        let runTask = Task { try await server.run(additionalServices: services, signals: []) }
        let addresses = try await server.ready
        return TestDaemon(server: server, addresses: addresses, dataDirectory: configuration.dataDirectory, runTask: runTask)
    }

    /// Graceful shutdown; waits until `run` returned.
    func stop() async throws {
        await server.shutdown()
        try await runTask.value
    }

    func connect() async throws -> SplatConnection {
        try await SplatConnection.connect(host: "127.0.0.1", port: binaryPort)
    }

    /// Connects and opens a session.
    func session(_ clientID: String, role: ClientRole = .robot, token: String = TestDaemon.token) async throws -> (SplatConnection, Welcome) {
        let connection = try await connect()
        let welcome = try await connection.hello(Hello(role: role, clientID: clientID, token: token))
        return (connection, welcome)
    }

    /// A router on the daemon's sessions that takes ``token`` only, for driving HTTP handlers
    /// without a listener (an EmbeddedChannel).
    func router() -> HTTPRouter {
        HTTPRouter(
            services: server.sessionServices, authority: TokenAuthority(grants: [.unrestricted(Self.token)], allowAnonymous: false),
            mixedReality: server.mixedReality
        ) { [server] in server.statusReport() }
    }

    func http(token: String? = TestDaemon.token) async throws -> SplatHTTPClient {
        try await SplatHTTPClient.connect(host: "127.0.0.1", port: httpPort, token: token)
    }

    static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "edge-serverd-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// Deterministic test bytes (a simple LCG: the content only needs to differ position by position).
func testBytes(count: Int, seed: UInt64) -> [UInt8] {
    var state = seed &* 6364136223846793005 &+ 1442695040888963407
    return (0..<count).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return UInt8(truncatingIfNeeded: state >> 33)
    }
}

/// Waits for the next pushed frame, failing after `timeout`.
func nextPush(_ connection: some SplatSession, timeout: Duration = .seconds(5)) async throws -> WireFrame? {
    try await withThrowingTaskGroup(of: WireFrame?.self) { group in
        group.addTask {
            var iterator = connection.pushes.makeAsyncIterator()
            return await iterator.next()
        }
        group.addTask {
            try await Task.sleep(for: timeout)
            throw CancellationError()
        }
        let first = try await group.next()!
        group.cancelAll()
        return first
    }
}
