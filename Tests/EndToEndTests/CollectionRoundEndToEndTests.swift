import Crypto
import Foundation
import SlotModel
import Testing

/// Real `edge-serverd` and `client-sim --role collector` processes over loopback running one
/// STT-GS round (5 collectors, 10 tiny images each, 2 pilots, time-scaled to seconds): the round
/// report, the collectors' own reports and the store's bytes must tell the same story.
@Suite(.serialized)
struct CollectionRoundEndToEndTests {
    typealias P = EndToEndProcesses

    struct Round {
        var report: [String: Any]
        /// Each collector's report, by client id.
        var collectors: [String: [String: Any]]
        var data: String
        /// The live view's round panel after the round (`GET /ui/state`'s `round`).
        var view: [String: Any]?
    }

    static let collectors = 5, items = 10, grace = 1.0

    /// Runs a daemon with `solver`, T = `roundSeconds` and `timeScale`, and collector processes
    /// (each given by its first index and count); `during` may replace processes while the round
    /// runs. Returns round 0's report, or nil when the executables are not built.
    static func round(
        solver: String, roundSeconds: Double, timeScale: Double, processes: [(first: Int, count: Int)],
        during: ((String, [Process], ([String]) throws -> Process) async throws -> [Process])? = nil,
        check: (Round) throws -> Void
    ) async throws {
        guard let daemon = P.executable("edge-serverd"), let client = P.executable("client-sim") else {
            Issue.record("edge-serverd/client-sim not built: run `swift build` first")
            return
        }
        let work = try P.scratch("round")
        defer { try? FileManager.default.removeItem(at: work) }
        let port = P.freePort(), httpPort = P.freePort(), data = work.path + "/data", reports = work.path + "/reports"
        let config = work.appendingPathComponent("edge.toml")
        try """
        [sttgs]
        solver = "\(solver)"
        round_s = \(roundSeconds)
        time_scale = \(timeScale)
        collectors = \(collectors)
        grace_ms = \(grace * 1000)
        """.write(to: config, atomically: true, encoding: .utf8)
        let server = try P.start(
            daemon,
            [
                "--config", config.path, "--no-slot-loop", "--binary-port", String(port), "--http-port", String(httpPort),
                "--data-dir", data, "--token", "t", "--log-level", "warning", "--world-gaussians", "2000", "--threads", "1",
            ])
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        try await P.waitForListener(port: port)
        let common = [
            "--role", "collector", "--server", "127.0.0.1:\(port)", "--token", "t", "--duration", "60", "--world-gaussians", "2000",
            "--image-size", "32x24", "--items", String(items), "--sampling-ratio", "0.2", "--time-scale", String(timeScale),
            "--out", reports,
        ]
        let launch: ([String]) throws -> Process = { try P.start(client, common + $0) }
        var running = try processes.map { try launch(["--first-index", String($0.first), "--count", String($0.count)]) }
        if let during { running = try await during(data, running, launch) }
        for process in running { #expect(try await P.wait(process) == 0) }
        let reportPath = data + "/rounds/round-0.json"
        for _ in 0..<200 where !FileManager.default.fileExists(atPath: reportPath) { try await Task.sleep(for: .milliseconds(50)) }
        let view = try P.runToCompletion("/usr/bin/curl", ["-sf", "-H", "authorization: Bearer t", "http://127.0.0.1:\(httpPort)/ui/state"])
        kill(server.processIdentifier, SIGTERM)
        #expect(try await P.wait(server) == 0)
        let names = try FileManager.default.contentsOfDirectory(atPath: reports).filter { $0.hasSuffix(".json") }
        var own: [String: [String: Any]] = [:]
        for name in names {
            let report = try P.json(reports + "/" + name)
            own[report["client"] as! String] = report
        }
        let state = try? JSONSerialization.jsonObject(with: Data(view.output.utf8)) as? [String: Any]
        try check(Round(report: try P.json(reportPath), collectors: own, data: data, view: state?["round"] as? [String: Any]))
    }

    /// The acceptance invariants every round must satisfy; `lost` collectors were killed for good
    /// during the pilot stage and wrote no report.
    static func checkInvariants(_ round: Round, lost: Set<String> = []) throws {
        let report = round.report
        #expect(report["failure"] == nil, "round failed: \(report["failure"] ?? "")")
        // The live view's round panel shows the finished round as its report does.
        let view = try #require(round.view, "no round on the live view")
        #expect(view["round"] as? Int == 0 && view["stage"] as? String == "done" && view["solver"] as? String == report["solver"] as? String)
        let panel = Dictionary(uniqueKeysWithValues: (view["collectors"] as? [[String: Any]] ?? []).map { ($0["client"] as! String, $0) })
        for collector in report["collectors"] as! [[String: Any]] {
            let shown = try #require(panel[collector["client"] as! String])
            #expect(shown["selected"] as? Bool == collector["selected"] as? Bool)
            #expect(shown["pilot_committed"] as? Bool == (collector["pilot"] != nil))
            #expect(shown["dataset_committed"] as? Bool == (collector["dataset"] != nil))
        }
        #expect(panel.count == (report["collectors"] as! [[String: Any]]).count)
        let T = report["round_seconds"] as! Double, T0 = report["pilot_seconds"] as! Double
        let slack = grace * (report["time_scale"] as! Double)
        let entries = report["collectors"] as! [[String: Any]]
        #expect(entries.count == collectors)
        var powerSum = 0.0
        for entry in entries {
            let client = entry["client"] as! String
            if lost.contains(client) {
                #expect(entry["pilot_outage"] as! Bool, "\(client) died in the pilot stage: a pilot outage")
                #expect(entry["selected"] as! Bool == false)
                #expect(entry["dataset_upload_begun"] as! Bool == false)
                continue
            }
            guard let own = round.collectors[client] else {
                Issue.record("\(client) wrote no report")
                continue
            }
            let uploads = Dictionary(grouping: own["uploads"] as! [[String: Any]]) { $0["kind"] as! String }
            // Pilots: arrived before T0 (up to the transport grace) or counted as an outage at both ends.
            if let pilot = entry["pilot"] as? [String: Any] {
                #expect(entry["pilot_outage"] as! Bool == false)
                #expect((pilot["arrival_seconds"] as! Double) <= T0 + slack, "\(client) pilots late")
                if let sent = uploads["pilots"]?.first { try expectSame(pilot, sent, client: client) }
            } else {
                #expect(entry["pilot_outage"] as! Bool)
                #expect(uploads["pilots"]?.first?["committed"] as? Bool != true)
            }
            let datasetPath = "\(round.data)/uploads/complete/\(client)/2"
            if entry["selected"] as! Bool {
                // Selected: the whole remainder arrived, digest-verified, before T.
                guard let dataset = entry["dataset"] as? [String: Any], let sent = uploads["dataset"]?.first else {
                    Issue.record("\(client) was selected but its dataset did not arrive")
                    continue
                }
                #expect(entry["dataset_outage"] as! Bool == false)
                #expect((dataset["arrival_seconds"] as! Double) <= T - T0 + slack, "\(client) dataset late")
                try expectSame(dataset, sent, client: client)
                let bytes = try Data(contentsOf: URL(fileURLWithPath: datasetPath))
                #expect(Array(SHA256.hash(data: bytes)).map { String(format: "%02x", $0) }.joined() == sent["sha256"] as! String)
                let indices = try SampleBundle.decode(Array(bytes)).map(\.index) + (own["pilot_indices"] as! [Int])
                #expect(indices.sorted() == Array(0..<items), "\(client): every sample exactly once")
            } else {
                // Unselected: nothing of the dataset reached the store, and the collector sent nothing.
                #expect(entry["dataset_upload_begun"] as! Bool == false)
                #expect(!FileManager.default.fileExists(atPath: datasetPath))
                #expect(!FileManager.default.fileExists(atPath: "\(round.data)/uploads/partial/\(client)/2.part"))
                #expect(uploads["dataset"] == nil)
            }
            let power = entry["power_w"] as! Double
            #expect(power >= 0 && power <= (report["power_max_w"] as! Double) * (1 + 1e-9))
            powerSum += power
        }
        #expect(powerSum <= (report["power_sum_w"] as! Double) * (1 + 1e-9))
        // Everything aggregated is in the dataset store, once.
        let stored = FileManager.default.enumerator(atPath: round.data + "/dataset")?.compactMap { $0 as? String }.filter { $0.hasSuffix(".png") }
        #expect(stored?.count == report["samples_aggregated"] as? Int)
        let error = report["mean_absolute_prediction_error"] as! Double
        #expect(error.isFinite)
    }

    /// The store's view of an upload (round report) equals the collector's: bytes, digest, samples.
    static func expectSame(_ stored: [String: Any], _ sent: [String: Any], client: String) throws {
        #expect(sent["committed"] as! Bool, "\(client) \(sent["kind"]!) not committed")
        #expect(stored["bytes"] as! Int == sent["bytes"] as! Int, "\(client) bytes")
        #expect(stored["sha256"] as! String == sent["sha256"] as! String, "\(client) digest")
        #expect(stored["samples"] as! Int == sent["samples"] as! Int, "\(client) samples")
    }

    @Test func pammCollectsMoreLossThanMaxRate() async throws {
        var collected: [String: Double] = [:]
        for solver in ["maxrate", "pamm"] {
            try await Self.round(solver: solver, roundSeconds: 14, timeScale: 7, processes: [(0, Self.collectors)]) { round in
                try Self.checkInvariants(round)
                collected[solver] = round.report["collected_objective"] as? Double
                let error = round.report["mean_absolute_prediction_error"] as? Double ?? .nan
                print("STT-GS e2e \(solver): Σxπ̃ collected = \(collected[solver] ?? .nan), mean |π̃−π|/π of FDC pilots = \(error)")
            }
        }
        let pamm = try #require(collected["pamm"]), maxRate = try #require(collected["maxrate"])
        #expect(pamm > maxRate, "PAMM Σxπ̃ \(pamm) must exceed MaxRate's \(maxRate) on the same seed")
    }

    @Test func collectorLostInThePilotStageIsAnOutage() async throws {
        let victim = "collector-1-3"
        var killed = false
        try await Self.round(
            solver: "pamm", roundSeconds: 14, timeScale: 7, processes: [(0, 3), (3, 1), (4, 1)],
            during: { data, running, _ in
                for _ in 0..<4000 {
                    if FileManager.default.fileExists(atPath: "\(data)/uploads/partial/\(victim)/1.json") {
                        kill(running[1].processIdentifier, SIGKILL)
                        _ = try await P.wait(running[1])
                        killed = true
                        return [running[0], running[2]]
                    }
                    try await Task.sleep(for: .milliseconds(2))
                }
                return running
            }
        ) { round in
            try Self.checkInvariants(round, lost: [victim])
            #expect(round.report["pilot_outages"] as? Int == 1)
            #expect(FileManager.default.fileExists(atPath: "\(round.data)/uploads/complete/\(victim)/1") == false)
        }
        #expect(killed, "the victim's pilot upload was never caught in flight")
    }

    @Test func killedCollectorResumesFromItsDurableOffset() async throws {
        let victim = "collector-1-1"
        var killedAt: Int?
        try await Self.round(
            solver: "maxrate", roundSeconds: 40, timeScale: 10, processes: [(0, 1), (1, 1), (2, 3)],
            during: { data, running, launch in
                let manifest = "\(data)/uploads/partial/\(victim)/2.json"
                for _ in 0..<4000 {
                    if let object = try? P.json(manifest), let offset = object["durableOffset"] as? Int, offset > 0 {
                        kill(running[1].processIdentifier, SIGKILL)
                        _ = try await P.wait(running[1])
                        killedAt = offset
                        return [running[0], running[2], try launch(["--first-index", "1", "--count", "1"])]
                    }
                    try await Task.sleep(for: .milliseconds(2))
                }
                return running
            }
        ) { round in
            try Self.checkInvariants(round)
            let entry = (round.report["collectors"] as! [[String: Any]]).first { $0["client"] as? String == victim }!
            #expect(entry["selected"] as! Bool)
            #expect((entry["resumes"] as! Int) >= 1)
            let restarted = try #require(round.collectors[victim])
            let dataset = try #require((restarted["uploads"] as! [[String: Any]]).first { $0["kind"] as? String == "dataset" })
            #expect((dataset["resumed_from_offset"] as! Int) >= (killedAt ?? .max), "resumed below the durable offset the store had")
            #expect((dataset["resumed_from_offset"] as! Int) > 0)
            print(
                "STT-GS e2e restart: killed at durable offset \(killedAt ?? -1), resumed from \(dataset["resumed_from_offset"]!) of \(dataset["bytes"]!) bytes"
            )
            #expect((dataset["bytes_sent"] as! Int) == (dataset["bytes"] as! Int) - (dataset["resumed_from_offset"] as! Int))
        }
        #expect(killedAt != nil, "the victim's upload was never caught in flight")
    }
}
