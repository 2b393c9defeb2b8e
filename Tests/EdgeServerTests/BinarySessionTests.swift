import Foundation
import NIOCore
import Protocol
import SplatClient
import Testing

@testable import EdgeServer

@Suite("Binary transport: sessions")
struct BinarySessionTests {
    @Test("HELLO with a valid token opens a session; PING is answered")
    func handshake() async throws {
        let daemon = try await TestDaemon.start()
        let (connection, welcome) = try await daemon.session("robot-1", role: .robot)
        #expect(welcome.version == ProtocolVersion.implemented.upperBound)
        #expect(welcome.slotLengthMicroseconds == 100_000)
        #expect(welcome.maxPayloadLength == UInt32(16 << 20))
        _ = try await connection.ping()
        #expect(daemon.server.sessions.counts()[.robot] == 1)
        await connection.bye()
        try await daemon.stop()
    }

    @Test("a wrong or missing token gets ERROR unauthorized, the connection closes, no session exists", arguments: ["wrong-token", ""])
    func wrongToken(token: String) async throws {
        let daemon = try await TestDaemon.start()
        let connection = try await daemon.connect()
        await #expect(throws: SplatClientError.server(ProtocolError(.unauthorized, token.isEmpty ? "a token is required" : "the token is not valid")))
        {
            try await connection.hello(Hello(role: .user, clientID: "intruder", token: token))
        }
        await connection.waitUntilClosed()
        #expect(daemon.server.sessions.sessions().isEmpty)
        #expect(try daemon.server.catalog.openSessionCount() == 0)
        try await daemon.stop()
    }

    @Test("a message before HELLO is refused and the connection closed")
    func messageBeforeHello() async throws {
        let daemon = try await TestDaemon.start()
        let connection = try await daemon.connect()
        let answer = try await connection.request(.ping(Heartbeat(nonce: 1, timestampNanoseconds: 2)))
        guard case .error(let error) = answer.message else {
            Issue.record("expected ERROR, got \(answer.message.type)")
            return
        }
        #expect(error.code == .unexpectedMessage)
        await connection.waitUntilClosed()
        try await daemon.stop()
    }

    @Test("reconnecting with the same client id within the grace window resumes the session")
    func resume() async throws {
        let daemon = try await TestDaemon.start()
        let (first, welcome) = try await daemon.session("user-7", role: .user)
        await first.close()  // no BYE: a dropped connection
        try await Task.sleep(for: .milliseconds(100))
        let (second, resumed) = try await daemon.session("user-7", role: .user)
        #expect(resumed.sessionID == welcome.sessionID)
        #expect(resumed.linkID == welcome.linkID)
        let session = try #require(daemon.server.sessions.session(clientID: "user-7"))
        #expect(session.snapshot.resumes == 1)
        await second.bye()
        try await Task.sleep(for: .milliseconds(100))
        #expect(daemon.server.sessions.session(clientID: "user-7") == nil)
        try await daemon.stop()
    }

    @Test("a detached session expires after the grace window")
    func expiry() async throws {
        let daemon = try await TestDaemon.start { $0.limits.resumeGraceSeconds = 0.2 }
        let (connection, welcome) = try await daemon.session("robot-9")
        await connection.close()
        try await Task.sleep(for: .milliseconds(1500))
        #expect(daemon.server.sessions.session(clientID: "robot-9") == nil)
        let (again, fresh) = try await daemon.session("robot-9")
        #expect(fresh.sessionID != welcome.sessionID)
        await again.bye()
        try await daemon.stop()
    }

    @Test("the session limit refuses one session too many")
    func sessionLimit() async throws {
        let daemon = try await TestDaemon.start { $0.limits.maxSessions = 2 }
        let (a, _) = try await daemon.session("a")
        let (b, _) = try await daemon.session("b")
        let c = try await daemon.connect()
        await #expect(throws: SplatClientError.server(ProtocolError(.sessionLimit, "the daemon already serves 2 sessions"))) {
            try await c.hello(Hello(role: .robot, clientID: "c", token: TestDaemon.token))
        }
        await a.bye()
        await b.bye()
        try await daemon.stop()
    }

    @Test("a silent connection gets ERROR idle_timeout and BYE; its session stays resumable")
    func idleTimeout() async throws {
        // Long enough that HELLO (and the resuming HELLO) arrive in time even when the whole
        // suite and a build load the machine (1.5 s was not: "I/O on closed channel").
        let daemon = try await TestDaemon.start {
            $0.limits.idleTimeoutSeconds = 4
            $0.limits.resumeGraceSeconds = 60
        }
        let (connection, welcome) = try await daemon.session("sleepy")
        let error = try #require(try await nextPush(connection, timeout: .seconds(30)))
        guard case .error(let received) = error.message else {
            Issue.record("expected ERROR, got \(error.message.type)")
            return
        }
        #expect(received.code == .idleTimeout)
        let bye = try #require(try await nextPush(connection))
        #expect(bye.message.type == .bye)
        await connection.waitUntilClosed()
        let (again, resumed) = try await daemon.session("sleepy")
        #expect(resumed.sessionID == welcome.sessionID)
        await again.bye()
        try await daemon.stop()
    }

    @Test("POSE updates the session's latest state for the slot loop")
    func poseState() async throws {
        let daemon = try await TestDaemon.start()
        let (connection, _) = try await daemon.session("robot-2")
        let pose = PoseReport(slot: 3, timestampNanoseconds: 42, pose: Pose(position: SIMD3(1, 2, 3), orientation: SIMD4(0, 0, 0, 1)))
        try await connection.send(.pose(pose))
        _ = try await connection.ping()  // ordered after the POSE on the same connection
        let session = try #require(daemon.server.sessions.session(clientID: "robot-2"))
        #expect(session.snapshot.latest[.pose] == .pose(pose))
        await connection.bye()
        try await daemon.stop()
    }

    @Test("malformed frames get ERROR and a close, while a concurrent session is unaffected")
    func malformedFrames() async throws {
        let daemon = try await TestDaemon.start()
        let (healthy, _) = try await daemon.session("healthy")
        let cases: [(bytes: [UInt8], code: ProtocolError.Code)] = [
            (Array("GET / HTTP/1.1\r\n\r\n".utf8), .badMagic),
            ([0x47, 0x53, 0x09, 0x01, 0, 0, 0, 0, 0, 0, 0, 1], .unsupportedVersion),
            ([0x47, 0x53, 0x01, 0xEE, 0, 0, 0, 0, 0, 0, 0, 1], .unknownType),
            ([0x47, 0x53, 0x01, 0x03, 0x7F, 0, 0, 0, 0, 0, 0, 1], .frameTooLarge),
            ([0x47, 0x53, 0x01, 0x0D, 0, 0, 0, 3, 0, 0, 0, 1, 1, 2, 3], .truncated),
        ]
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for _ in 0..<50 { _ = try await healthy.ping() }
            }
            for (bytes, code) in cases {
                group.addTask {
                    let (bad, _) = try await daemon.session("bad-\(code.rawValue)")
                    try await bad.sendRaw(bytes)
                    let error = try #require(try await nextPush(bad))
                    guard case .error(let received) = error.message else {
                        Issue.record("expected ERROR, got \(error.message.type)")
                        return
                    }
                    #expect(received.code == code)
                    await bad.waitUntilClosed()
                }
            }
            try await group.waitForAll()
        }
        _ = try await healthy.ping()
        await healthy.bye()
        try await daemon.stop()
    }
}
