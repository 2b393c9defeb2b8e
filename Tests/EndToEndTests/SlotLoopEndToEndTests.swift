import Foundation
import Testing

/// A real `edge-serverd` process and two `client-sim` processes (robots, users) over loopback,
/// on either transport: the slot loop's run log and the clients' own reports must tell the
/// same story.
@Suite(.serialized)
struct SlotLoopEndToEndTests {
    typealias P = EndToEndProcesses

    struct Run {
        var log: [[String: Any]]
        var reports: [[String: Any]]
        /// `/v1/status` once the clients were done.
        var status: [String: Any]
    }

    /// Runs the daemon and a robot process (unless `robots` is 0) and a user process for
    /// `seconds`; the clients speak `transport` (`tcp`: the binary listener, `h2`: the HTTP/2
    /// listener). `irac` is the daemon's `[irac]` table, FRAMEs are `frameSize`; `extra` goes to
    /// the daemon, `clientExtra` to the clients.
    static func run(
        seconds: Double, robots: Int, users: Int, transport: String = "tcp", frameSize: String = "32x24", irac: [String] = [],
        extra: [String] = [], clientExtra: [String] = []
    ) async throws -> Run? {
        guard let daemon = P.executable("edge-serverd"), let client = P.executable("client-sim") else { return nil }
        let work = try P.scratch("e2e")
        defer { try? FileManager.default.removeItem(at: work) }
        let port = P.freePort()
        let httpPort = P.freePort()
        let config = work.appendingPathComponent("edge.toml")
        try (["[irac]", "probe_size = \"32x24\"", "frame_size = \"\(frameSize)\""] + irac).joined(separator: "\n")
            .write(to: config, atomically: true, encoding: .utf8)
        let server = try P.start(
            daemon,
            [
                "--config", config.path, "--slot-ms", "200",
                "--binary-port", String(port), "--http-port", String(httpPort), "--data-dir", work.path + "/data",
                "--token", "t", "--log-level", "warning", "--world-gaussians", "2000", "--threads", "1",
            ] + extra)
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        let clientPort = transport == "h2" ? httpPort : port
        try await P.waitForListener(port: clientPort)
        let common =
            [
                "--server", "127.0.0.1:\(clientPort)", "--transport", transport, "--token", "t", "--duration", String(seconds),
                "--world-gaussians", "2000", "--out", work.path + "/reports",
                "--image-size", "32x24", "--frame-size", frameSize,
            ] + clientExtra
        let clients =
            try (robots > 0 ? [P.start(client, ["--role", "robot", "--count", String(robots)] + common)] : []) + [
                P.start(client, ["--role", "user", "--count", String(users)] + common)
            ]
        for process in clients {
            while process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
            #expect(process.terminationStatus == 0)
        }
        let (curl, body) = try P.runToCompletion("/usr/bin/curl", ["-s", "--max-time", "5", "http://127.0.0.1:\(httpPort)/v1/status"])
        #expect(curl == 0)
        let status = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] ?? [:]
        kill(server.processIdentifier, SIGTERM)
        while server.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        #expect(server.terminationStatus == 0)
        let log = try P.jsonLines(work.path + "/data/slot-log.jsonl")
        let reportFiles = try FileManager.default.contentsOfDirectory(atPath: work.path + "/reports").filter { $0.hasSuffix(".json") }
        let reports = try reportFiles.map {
            try JSONSerialization.jsonObject(with: Data(contentsOf: work.appendingPathComponent("reports/\($0)"))) as! [String: Any]
        }
        return Run(log: log, reports: reports, status: status)
    }

    @Test(arguments: ["tcp", "h2"])
    func scheduleBudgetAndAgreement(transport: String) async throws {
        guard let run = try await Self.run(seconds: 6, robots: 2, users: 2, transport: transport) else {
            Issue.record("edge-serverd/client-sim not built: run `swift build` first")
            return
        }
        // Slots are consecutive: none skipped, each logged once.
        let slots = run.log.map { ($0["slot"] as! NSNumber).uint64Value }
        #expect(!slots.isEmpty)
        #expect(slots == Array(0..<UInt64(slots.count)))
        // Users' total power within the budget in every slot; robots' running average within theirs.
        var robotEnergy: [String: (Double, Int)] = [:]
        var logged: [String: [String: Any]] = [:]
        for record in run.log {
            let slot = record["slot"] as! NSNumber
            #expect((record["user_power_w"] as! Double) <= (record["user_power_budget_w"] as! Double) * (1 + 1e-6))
            for robot in record["robots"] as! [[String: Any]] {
                let client = robot["client"] as! String
                var account = robotEnergy[client] ?? (0, 0)
                account.0 += robot["power_w"] as! Double
                account.1 += 1
                robotEnergy[client] = account
                #expect(account.0 / Double(account.1) <= 0.01 * (1 + 1e-6) + 1e-9)
                logged["\(client)#\(slot)"] = robot
            }
            for user in record["users"] as! [[String: Any]] { logged["\(user["client"] as! String)#\(slot)"] = user }
            for client in record["idle_clients"] as! [String] {
                logged["\(client)#\(slot)"] = ["x": 0, "power_w": 0.0, "bits": 0.0, "gain": -1.0]
            }
        }
        #expect(run.reports.count == 4)
        var compared = 0
        // Rows whose slot the server planned with the agent's own CHANNEL_REPORT of that slot.
        var gainsCompared = 0
        for report in run.reports {
            let client = report["client"] as! String
            let rows = report["rows"] as! [[String: Any]]
            #expect(rows.count >= 5, "\(client) followed only \(rows.count) schedules")
            // Every slot of the agent's stay produced a schedule: its rows have no gaps.
            let agentSlots = rows.map { ($0["slot"] as! NSNumber).uint64Value }
            if let first = agentSlots.first { #expect(agentSlots == Array(first..<(first + UInt64(agentSlots.count)))) }
            for row in rows {
                let slot = row["slot"] as! NSNumber
                guard let entry = logged["\(client)#\(slot)"] else {
                    Issue.record("\(client) slot \(slot) has no run-log entry")
                    continue
                }
                #expect((row["decision"] as! NSNumber).intValue == (entry["x"] as! NSNumber).intValue)
                #expect(abs((row["power_w"] as! Double) - (entry["power_w"] as! Double)) <= 1e-12)
                #expect((row["bits"] as! Double) == (entry["bits"] as! Double))
                // Without estimation error the reported estimate is the channel the agent transmits over.
                if entry["channel_reported"] as? Bool == true {
                    gainsCompared += 1
                    #expect(
                        abs((row["gain"] as! Double) - (entry["gain"] as! Double)) <= 1e-9 * (entry["gain"] as! Double),
                        "\(client) slot \(slot): the run log's gain (the slot's CHANNEL_REPORT) differs from the agent's")
                }
                // An x = 1 user either got its frame in time or counted the miss.
                if report["role"] as! String == "user", (row["decision"] as! NSNumber).intValue == 1 {
                    let latency = row["latency_milliseconds"] as? Double ?? .infinity  // "inf" when no frame came
                    #expect((row["outage"] as! Bool) || latency <= 100 * (1 + 1e-9))
                }
                compared += 1
            }
        }
        #expect(compared >= 20)
        #expect(gainsCompared >= 10, "only \(gainsCompared) slots were planned with their own CHANNEL_REPORT")
    }

    /// FRAMEs at 640×480 with D measured: every slot plans with the largest PNG encoded before it
    /// (the configured 16 Mbit until the first), each user's emulated airtime is for the PNG it
    /// received (which is what the edge logged as sent), and `/v1/status` shows the D.
    @Test func measuredFrameBitsAt640x480() async throws {
        guard
            let run = try await Self.run(
                seconds: 4, robots: 0, users: 2, frameSize: "640x480",
                irac: ["frame_bits_source = \"measured\"", "frame_bits_window = 100000"],
                clientExtra: ["--frame-bits-source", "measured", "--no-quality"])
        else {
            Issue.record("edge-serverd/client-sim not built: run `swift build` first")
            return
        }
        var encoded: [Double] = []
        var sent: [String: Double] = [:]  // client#slot → bits of the PNG sent
        for record in run.log {
            let planned = record["frame_bits"] as! Double
            #expect(planned == (encoded.max() ?? 16e6), "slot \(record["slot"]!)")
            for user in record["users"] as! [[String: Any]] where (user["x"] as! NSNumber).intValue == 1 {
                #expect(user["bits"] as! Double == planned)
                guard let bits = user["encoded_bits"] as? Double else { continue }
                #expect(bits > 0 && bits < 640 * 480 * 24)
                #expect(user["render_milliseconds"] is Double && user["encode_milliseconds"] is Double)
                encoded.append(bits)
                sent["\(user["client"] as! String)#\(record["slot"]!)"] = bits
            }
        }
        #expect(encoded.count >= 5, "only \(encoded.count) FRAMEs were sent")
        #expect(Set(run.log.map { $0["frame_bits"] as! Double }).count >= 2, "D never left its configured value")
        var compared = 0
        for report in run.reports {
            let client = report["client"] as! String
            for row in report["rows"] as! [[String: Any]] where (row["decision"] as! NSNumber).intValue == 1 {
                guard let bits = sent["\(client)#\(row["slot"]!)"], (row["latency_milliseconds"] as? Double)?.isFinite == true else { continue }
                #expect(row["bits"] as! Double == bits)
                compared += 1
            }
        }
        #expect(compared >= 3)
        let slots = run.status["slots"] as? [String: Any] ?? [:]
        #expect(slots["frame_bits_source"] as? String == "measured")
        #expect(Set(run.log.map { $0["frame_bits"] as! Double }).contains(slots["frame_bits"] as? Double ?? -1))
    }
}
