import Foundation
import NIOCore
import Protocol
import SplatClient
import Testing

@testable import EdgeServer

@Suite("HTTP listener: operations routes")
struct HTTPRoutesTests {
    @Test("/v1/status reports sessions by role, slot statistics and store usage")
    func status() async throws {
        let daemon = try await TestDaemon.start()
        let (robot, _) = try await daemon.session("r1", role: .robot)
        let (user, _) = try await daemon.session("u1", role: .user)
        let (user2, _) = try await daemon.session("u2", role: .user)
        let client = try await daemon.http(token: nil)
        let response = try await client.request(.GET, "/v1/status")
        #expect(response.status == 200)
        #expect(response.headers.first(name: "content-type") == "application/json")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let report = try decoder.decode(StatusReport.self, from: Data(response.text.utf8))
        #expect(report.sessions == ["robot": 1, "user": 2, "collector": 0])
        #expect(report.connectedSessions == ["robot": 1, "user": 2, "collector": 0])
        #expect(report.slots.running == false)
        #expect(report.store == StoreUsage())
        #expect(!report.draining)
        for connection in [robot, user, user2] { await connection.bye() }
        await client.close()
        try await daemon.stop()
    }

    @Test("/healthz and /metrics over h2c; unknown routes are 404")
    func healthAndMetrics() async throws {
        let daemon = try await TestDaemon.start()
        let (robot, _) = try await daemon.session("r1")
        _ = try await robot.ping()
        let client = try await daemon.http(token: nil)
        let health = try await client.request(.GET, "/healthz")
        #expect(health.status == 200 && health.text == "ok\n")
        let metrics = try await client.request(.GET, "/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.text.contains(#"edge_sessions_open{role="robot"} 1"#))
        #expect(metrics.text.contains(#"edge_messages_received_total{type="PING",transport="binary"} 1"#))
        #expect(try await client.request(.GET, "/nope").status == 404)
        await robot.bye()
        await client.close()
        try await daemon.stop()
    }
}
