import Foundation
import NIOCore
import Protocol
import SplatClient
import Testing

@testable import EdgeServer

@Suite("HTTP/2 transport: sessions")
struct HTTPSessionTests {
    @Test("HELLO over HTTP/2 opens a session; POSE is recorded; PING is answered; pushes are polled; BYE closes")
    func session() async throws {
        let daemon = try await TestDaemon.start()
        let client = try await daemon.http()
        let welcome = try await client.hello(Hello(role: .user, clientID: "h2-user", token: TestDaemon.token))
        #expect(welcome.slotLengthMicroseconds == 100_000)
        #expect(daemon.server.statusReport().connectedSessions["user"] == 1)

        let pose = PoseReport(slot: 1, timestampNanoseconds: 9, pose: .identity)
        #expect(try await client.send(.pose(pose), clientID: "h2-user") == nil)
        let session = try #require(daemon.server.sessions.session(clientID: "h2-user"))
        #expect(session.snapshot.latest[.pose] == .pose(pose))
        let beat = Heartbeat(nonce: 5, timestampNanoseconds: 6)
        #expect(try await client.send(.ping(beat), clientID: "h2-user") == .pong(beat))
        // The 204 that accepts a message carries no Content-Length (RFC 9110 §8.6).
        var payload = ByteBuffer()
        try Message.pose(pose).writePayload(to: &payload)
        let accepted = try await client.request(
            .POST, "/v1/sessions/h2-user/messages", headers: ["splatedge-type": "POSE"], body: Array(payload.readableBytesView))
        #expect(accepted.status == 204 && accepted.headers.first(name: "content-length") == nil)

        #expect(try await client.poll(clientID: "h2-user").isEmpty)
        let schedule = Message.schedule(
            Schedule(
                slot: 2, stage: .slot, decision: true, powerWatts: 0.1, expectedRateBitsPerSecond: 1e6,
                deadlineMicroseconds: 50_000, stageDurationMicroseconds: 100_000))
        #expect(session.send(schedule))
        #expect(try await client.poll(clientID: "h2-user") == [schedule])

        _ = try await client.send(.bye(Bye(reason: .normal)), clientID: "h2-user")
        #expect(daemon.server.sessions.session(clientID: "h2-user") == nil)
        await client.close()
        try await daemon.stop()
    }

    @Test("the event stream delivers queued pushes first, then each push as it is sent; the session is not idle meanwhile")
    func eventStream() async throws {
        let daemon = try await TestDaemon.start()
        let client = try await SplatHTTPSession.connect(host: "127.0.0.1", port: daemon.httpPort, token: TestDaemon.token)
        let schedules = (0..<4).map { slot in
            Message.schedule(
                Schedule(
                    slot: UInt64(slot), stage: .slot, decision: slot % 2 == 0, powerWatts: 0.01, expectedRateBitsPerSecond: 1e6,
                    deadlineMicroseconds: 100_000, stageDurationMicroseconds: 100_000))
        }
        _ = try await client.hello(Hello(role: .user, clientID: "h2-events", token: TestDaemon.token))
        let session = try #require(daemon.server.sessions.session(clientID: "h2-events"))
        let connection = try #require(session.snapshot.connection as? HTTPSessionConnection)
        // Queued whether or not the stream is open yet: it must arrive first either way.
        #expect(session.send(schedules[0]))
        for _ in 0..<500 where connection.isPolled { try await Task.sleep(for: .milliseconds(10)) }
        #expect(!connection.isPolled, "the event stream never attached")
        for schedule in schedules.dropFirst() { #expect(session.send(schedule)) }
        var received: [Message] = []
        for _ in schedules { if let frame = try await nextPush(client) { received.append(frame.message) } }
        #expect(received == schedules)
        #expect(connection.drain().isEmpty)

        // A streaming session is never detached as idle, however long it has been silent.
        daemon.server.sessions.detachIdlePolledSessions(idleTimeout: .zero)
        #expect(session.isAttached)

        // When the client's connection drops, the stream ends and pushes queue for polling again.
        await client.close()
        for _ in 0..<500 where !connection.isPolled { try await Task.sleep(for: .milliseconds(10)) }
        #expect(connection.isPolled)
        #expect(session.send(schedules[0]))
        #expect(connection.drain() == [schedules[0]])
        try await daemon.stop()
    }

    @Test("an event stream for a client without an HTTP session is refused with an ERROR payload")
    func eventStreamWithoutSession() async throws {
        let daemon = try await TestDaemon.start()
        let client = try await daemon.http()
        await #expect(throws: SplatClientError.server(ProtocolError(.unexpectedMessage, "no HTTP session for client ghost"))) {
            try await client.followEvents(clientID: "ghost") { _ in }
        }
        await client.close()
        try await daemon.stop()
    }

    @Test("a wrong HELLO token over HTTP/2 is refused with an ERROR payload and no session")
    func wrongToken() async throws {
        let daemon = try await TestDaemon.start()
        let client = try await daemon.http()
        await #expect(throws: SplatClientError.server(ProtocolError(.unauthorized, "the token is not valid"))) {
            try await client.hello(Hello(role: .robot, clientID: "h2-bad", token: "nope"))
        }
        #expect(daemon.server.sessions.sessions().isEmpty)
        await client.close()
        try await daemon.stop()
    }
}
