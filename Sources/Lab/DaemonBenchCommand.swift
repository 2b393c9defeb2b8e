import ArgumentParser
import Foundation
import Protocol
import SplatClient

/// `gs-lab bench daemon`: binary POSE ingest throughput of a running `edge-serverd`.
///
/// Each connection opens a robot session and streams POSE frames in batches (each batch waits
/// until the socket took it, so TCP paces the sender); at the end a PING per connection, answered
/// only after every earlier frame on that connection was processed, closes the measurement.
struct DaemonBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Measure binary POSE ingest (msgs/s) of a running edge-serverd.")

    @Option(help: "host:port of the binary listener.")
    var server = "127.0.0.1:7450"
    @Option(help: "Token for HELLO.")
    var token = "bench"
    @Option(help: "Concurrent connections (one robot session each).")
    var connections = 1
    @Option(help: "Seconds to stream.")
    var seconds = 5.0
    @Option(help: "POSE frames per flush.")
    var batch = 256

    func run() async throws {
        let parts = server.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]), connections > 0, batch > 0, seconds > 0 else {
            throw ValidationError("--server must be host:port; --connections, --batch and --seconds must be > 0")
        }
        let host = String(parts[0])
        let clock = ContinuousClock()
        let sessions = try await (0..<connections).asyncMap { index in
            let connection = try await SplatConnection.connect(host: host, port: port)
            _ = try await connection.hello(Hello(role: .robot, clientID: "bench-\(index)", token: token))
            return connection
        }
        let start = clock.now
        let deadline = start + .nanoseconds(Int64(seconds * 1e9))
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            for (index, connection) in sessions.enumerated() {
                group.addTask {
                    var sent = 0
                    var slot: UInt64 = 0
                    while clock.now < deadline {
                        let messages = (0..<batch).map { offset in
                            Message.pose(
                                PoseReport(
                                    slot: slot + UInt64(offset), timestampNanoseconds: UInt64(index),
                                    pose: Pose(position: SIMD3(Double(offset), 1, 2), orientation: SIMD4(0, 0, 0, 1))))
                        }
                        try await connection.send(batch: messages)
                        slot += UInt64(batch)
                        sent += batch
                    }
                    _ = try await connection.ping()
                    return sent
                }
            }
            return try await group.reduce(0, +)
        }
        let elapsed = (clock.now - start).components
        let elapsedSeconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
        for connection in sessions { await connection.bye() }
        print(
            "connections=\(connections) messages=\(total) seconds=\(String(format: "%.2f", elapsedSeconds)) msgs_per_s=\(Int(Double(total) / elapsedSeconds))"
        )
    }
}

extension Sequence {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async throws -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
