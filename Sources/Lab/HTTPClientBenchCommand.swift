import ArgumentParser
import Foundation
import ProcessMetrics
import Protocol
import SplatClient

/// `gs-lab bench http-client`: the CPU time `SplatHTTPClient` spends per
/// request, POSTing POSE payloads to a running `edge-serverd` over h2c.
///
/// It is the client-side twin of `h2load` (libnghttp2's client) in `deploy/bench-daemon.sh`:
/// the same route, the same 139-byte POSE, the same connections × streams in flight, so the two
/// clients' CPU per request compare directly. Each connection opens one HTTP session (HELLO),
/// then `streams` tasks per connection send POSEs back to back until `requests` were answered.
struct HTTPClientBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http-client",
        abstract: "Measure SplatHTTPClient's CPU per request (POST POSE over h2c) against a running edge-serverd.")

    @Option(help: "host:port of the HTTP listener (h2c).")
    var server = "127.0.0.1:7451"
    @Option(help: "Token for HELLO and the bearer header.")
    var token = "bench"
    @Option(help: "Requests in total.")
    var requests = 50_000
    @Option(help: "Connections (one HTTP session each).")
    var connections = 16
    @Option(help: "Requests in flight per connection (h2load's -m).")
    var streams = 32

    func run() async throws {
        let parts = server.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]), requests > 0, connections > 0, streams > 0 else {
            throw ValidationError("--server must be host:port; --requests, --connections and --streams must be > 0")
        }
        let host = String(parts[0])
        var clients: [(client: SplatHTTPClient, clientID: String)] = []
        for index in 0..<connections {
            let client = try await SplatHTTPClient.connect(host: host, port: port, token: token)
            let clientID = "http-bench-\(index)"
            _ = try await client.hello(Hello(role: .robot, clientID: clientID, token: token))
            clients.append((client, clientID))
        }
        let pose = Message.pose(
            PoseReport(slot: 1, timestampNanoseconds: 1, pose: Pose(position: SIMD3(1.5, -2, 0.25), orientation: SIMD4(0, 0, 0, 1))))
        let workers = connections * streams
        let clock = ContinuousClock()
        let cpuBefore = ProcessCPUClock.now()
        let start = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<workers {
                let (client, clientID) = clients[worker % connections]
                // The requests split evenly; the first workers take the remainder.
                let share = requests / workers + (worker < requests % workers ? 1 : 0)
                group.addTask {
                    for _ in 0..<share { try await client.send(pose, clientID: clientID) }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = clock.now - start
        let cpu = ProcessCPUClock.now() - cpuBefore
        for (client, _) in clients { await client.close() }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        print(
            String(
                format: "requests=%d connections=%d streams=%d seconds=%.2f req_per_s=%.0f client_cpu_us_per_request=%.1f",
                requests, connections, streams, seconds, Double(requests) / seconds, cpu * 1e6 / Double(requests)))
    }
}
