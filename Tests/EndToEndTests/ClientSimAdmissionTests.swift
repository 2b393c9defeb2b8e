import Foundation
import Testing

/// client-sim against a daemon that is full: the agents that got in run their whole duration and
/// report; the one refused with `session_limit` retries, and only it fails.
@Suite("client-sim admission")
struct ClientSimAdmissionTests {
    private typealias P = EndToEndProcesses

    @Test("one refused agent does not end the others")
    func refusedAgentAlone() async throws {
        guard let daemon = P.executable("edge-serverd"), let client = P.executable("client-sim") else {
            Issue.record("edge-serverd/client-sim not built: run `swift build` first")
            return
        }
        let work = try P.scratch("admission")
        defer { try? FileManager.default.removeItem(at: work) }
        let port = P.freePort()
        let config = work.appendingPathComponent("edge.toml")
        try "[irac]\nprobe_size = \"32x24\"\nframe_size = \"32x24\"\n".write(to: config, atomically: true, encoding: .utf8)
        let server = try P.start(
            daemon,
            [
                "--config", config.path, "--slot-ms", "200",
                "--binary-port", String(port), "--http-port", String(P.freePort()), "--data-dir", work.path + "/data",
                "--token", "t", "--log-level", "warning", "--world-gaussians", "2000", "--threads", "1", "--max-sessions", "1",
            ])
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        try await P.waitForListener(port: port)
        let agents = try P.start(
            client,
            [
                "--role", "robot", "--count", "2", "--server", "127.0.0.1:\(port)", "--token", "t", "--duration", "3",
                "--world-gaussians", "2000", "--out", work.path + "/reports", "--image-size", "32x24", "--frame-size", "32x24",
            ])
        let status = try await P.wait(agents)
        #expect(status != 0, "a refused agent must show in the exit status")
        let reports = try FileManager.default.contentsOfDirectory(atPath: work.path + "/reports").filter { $0.hasSuffix(".json") }
        #expect(reports.count == 1, "the admitted agent ran to its end and reported: \(reports)")
        if let report = reports.first {
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: work.appendingPathComponent("reports/\(report)"))) as? [String: Any]
            #expect(((json?["rows"] as? [Any])?.count ?? 0) > 0, "the admitted agent followed its schedules")
        }
        kill(server.processIdentifier, SIGTERM)
        #expect(try await P.wait(server) == 0)
    }
}
