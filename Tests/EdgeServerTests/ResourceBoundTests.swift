import Foundation
import NIOCore
import NIOEmbedded
import Protocol
import SplatClient
import Testing

@testable import EdgeServer

/// What a peer that does not authenticate — or does nothing at all — can make the daemon hold,
/// and how a drain ends every kind of connection.
@Suite("Resource bounds and drain")
struct ResourceBoundTests {
    @Test("silent connections on both ports are reaped by the idle timeout, also before protocol detection and on HTTP/1.1")
    func silentConnectionsAreReaped() async throws {
        let daemon = try await TestDaemon.start { $0.limits.idleTimeoutSeconds = 0.3 }
        let silentBinary = try await RawTCPClient.connect(port: daemon.binaryPort)
        let silentHTTP = try await RawTCPClient.connect(port: daemon.httpPort)
        let keptAlive = try await RawTCPClient.connect(port: daemon.httpPort)
        try await keptAlive.write(Array("GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n".utf8))
        for client in [silentBinary, silentHTTP, keptAlive] {
            #expect(await client.closedByServer(within: .seconds(5)))
        }
        try await daemon.stop()
    }

    @Test("a connection that does not authenticate within the handshake timeout is closed, even if it keeps talking")
    func handshakeTimeout() async throws {
        let daemon = try await TestDaemon.start { $0.limits.handshakeTimeoutSeconds = 0.3 }
        let dawdler = try await RawTCPClient.connect(port: daemon.binaryPort)
        // One byte of a header: not silent, never a HELLO. (On a starved runner the daemon may
        // have closed it already, which is the point too.)
        try? await dawdler.write([0x47])
        #expect(await dawdler.closedByServer(within: .seconds(5)))
        // An authenticated session outlives the handshake timeout.
        let (session, _) = try await daemon.session("patient-robot")
        try await Task.sleep(for: .milliseconds(600))
        _ = try await session.ping()
        await session.close()
        try await daemon.stop()
    }

    @Test("past limits.max_unauthenticated_connections new connections are closed at accept; authenticated ones free their place")
    func unauthenticatedCap() async throws {
        let daemon = try await TestDaemon.start { $0.limits.maxUnauthenticatedConnections = 3 }
        var held: [RawTCPClient] = []
        for _ in 0..<3 { held.append(try await RawTCPClient.connect(port: daemon.binaryPort)) }
        try await Task.sleep(for: .milliseconds(100))
        let refused = try await RawTCPClient.connect(port: daemon.binaryPort)
        #expect(await refused.closedByServer(within: .seconds(5)))
        for client in held { #expect(client.channel.isActive) }
        // The HTTP listener has a gate of its own.
        let http = try await daemon.http()
        #expect(try await http.request(.GET, "/healthz").status == 200)
        await http.close()
        // One silent connection leaves; its place goes to a client that authenticates, whose
        // place in turn is no longer an unauthenticated one.
        await held.removeFirst().close()
        try await Task.sleep(for: .milliseconds(100))
        let (session, _) = try await daemon.session("late-robot")
        let another = try await RawTCPClient.connect(port: daemon.binaryPort)
        try await Task.sleep(for: .milliseconds(200))
        #expect(another.channel.isActive)
        #expect(daemon.server.statusReport().connectedSessions["robot"] == 1)
        await session.close()
        for client in held + [another] { await client.close() }
        try await daemon.stop()
    }

    @Test("a peer that half-closes inside a frame receives the documented truncated ERROR")
    func halfCloseGetsTruncated() async throws {
        let daemon = try await TestDaemon.start()
        let client = try await RawTCPClient.connect(port: daemon.binaryPort)
        // A HELLO header declaring 20 bytes, then 3 of them.
        try await client.write([0x47, 0x53, 0x01, MessageType.hello.rawValue, 0, 0, 0, 20, 0, 0, 0, 9, 1, 1, 1])
        try await client.halfClose()
        #expect(await client.closedByServer(within: .seconds(5)))
        let frames = try client.frames()
        guard case .error(let error)? = frames.first?.message else {
            Issue.record("expected ERROR truncated, got \(frames.map(\.message.type))")
            try await daemon.stop()
            return
        }
        #expect(error.code == .truncated)
        #expect(frames.first?.requestID == 9)
        try await daemon.stop()
    }

    @Test(
        "SIGTERM with an event stream, an idle h2 connection, a silent socket and a binary session: BYE everywhere, exit well inside the grace period"
    )
    func drainIsPrompt() async throws {
        let daemon = try await TestDaemon.start { $0.shutdownGraceSeconds = 10 }
        let streaming = try await SplatHTTPSession.connect(host: "127.0.0.1", port: daemon.httpPort, token: TestDaemon.token)
        _ = try await streaming.hello(Hello(role: .user, clientID: "h2-drain", token: TestDaemon.token))
        let session = try #require(daemon.server.sessions.session(clientID: "h2-drain"))
        let connection = try #require(session.snapshot.connection as? HTTPSessionConnection)
        for _ in 0..<500 where connection.isPolled { try await Task.sleep(for: .milliseconds(10)) }
        let idleH2 = try await H2FrameClient.connect(port: daemon.httpPort)
        let silent = try await RawTCPClient.connect(port: daemon.httpPort)
        let (binary, _) = try await daemon.session("tcp-drain")
        let started = ContinuousClock.now
        try await daemon.stop()
        let took = ContinuousClock.now - started
        // Nothing is in flight, so nothing waits for the 10 s grace (≤ 1 s on a quiet machine;
        // the bound here leaves room for a loaded CI runner).
        #expect(took < .seconds(4), "drain took \(took)")
        var byes: [Bye.Reason] = []
        while let frame = try await nextPush(streaming, timeout: .seconds(2)) {
            if case .bye(let bye) = frame.message { byes.append(bye.reason); break }
        }
        #expect(byes == [.shuttingDown])
        #expect(await silent.closedByServer(within: .seconds(2)))
        await idleH2.close()
        await binary.close()
        await streaming.close()
    }

    @Test("server messages sent before WELCOME wait for it, so a SCHEDULE never precedes WELCOME")
    func welcomeComesFirst() throws {
        let channel = EmbeddedChannel()
        let link = ConnectionLink(channel: channel, limiter: InflightLimiter(limit: 1 << 20), outboundLimit: 1 << 20)
        let schedule = Message.schedule(
            Schedule(
                slot: 1, stage: .slot, decision: true, powerWatts: 0.1, expectedRateBitsPerSecond: 1e6,
                deadlineMicroseconds: 1, stageDurationMicroseconds: 1))
        link.send(schedule)
        #expect(try channel.readOutbound(as: WireFrame.self) == nil)
        let welcome = Welcome(
            version: 1, sessionID: 1, linkID: 1, channelSeed: 1, slotLengthMicroseconds: 100_000, currentSlot: 0,
            maxPayloadLength: 1 << 20, maxChunkLength: 1 << 19, maxPlannedPoses: 16)
        link.welcome(welcome, requestID: 3)
        link.send(schedule)
        let frames = try (0..<3).map { _ in try #require(try channel.readOutbound(as: WireFrame.self)) }
        #expect(frames.map(\.message.type) == [.welcome, .schedule, .schedule])
        #expect(frames[0].requestID == 3)
        _ = try channel.finish()
    }
}
