import Foundation
import Testing

/// Live links with real processes (GSMR §V over the network): robots estimate their channel with
/// error ω² = r·|h̃|², report it, and transmit at the scheduled power over the true channel; the
/// daemon plans from the reports only. APO's tight powers on the estimate miss far more often
/// than ε; BILS's stay within ε. The outages are the robots' own counts, and the daemon's
/// metrics carry the same counts from the reports.
@Suite(.serialized)
struct LiveLinksEndToEndTests {
    typealias P = EndToEndProcesses

    struct Outcome {
        var transmissions: Int
        var outages: Int
        var meanPower: Double
        /// Mean GS loss of what the robots showed (with quality evaluation on; 0 otherwise).
        var achievedLoss: Double
        /// Mean interference-to-noise ratio the robots measured after the edge's combiner.
        var interferenceToNoise: Double
        /// The daemon's `edge_link_transmissions_total` / `edge_link_outages_total` for robots.
        var reported: (transmissions: Int, outages: Int)

        var rate: Double { Double(outages) / Double(max(transmissions, 1)) }

        /// The Wilson 95 % interval of the outage rate.
        var interval: ClosedRange<Double> {
            let n = Double(transmissions), z = 1.96, q = rate
            let centre = (q + z * z / (2 * n)) / (1 + z * z / n)
            let half = z * (q * (1 - q) / n + z * z / (4 * n * n)).squareRoot() / (1 + z * z / n)
            return (centre - half)...(centre + half)
        }
    }

    static func run(
        solver: String, r: Double, lossThreshold: Double = 0.03, lowPowerPolicy: String = "horizon", robots: Int = 4,
        seconds: Double = 8, receiver: (antennas: Int, combiner: String)? = nil, evaluatesQuality: Bool = false
    ) async throws -> Outcome? {
        guard let daemon = P.executable("edge-serverd"), let client = P.executable("client-sim") else { return nil }
        let work = try P.scratch("links")
        defer { try? FileManager.default.removeItem(at: work) }
        let port = P.freePort(), httpPort = P.freePort()
        let config = work.appendingPathComponent("edge.toml")
        let shared = receiver.map { "antennas = \($0.antennas)\nmulti_robot = \"\($0.combiner)\"\n" } ?? ""
        try
            ("[gsmr]\nsolver = \"\(solver)\"\nomega2_relative = \(r)\nepsilon = 0.1\nloss_threshold = \(lossThreshold)\n"
            + "low_power_policy = \"\(lowPowerPolicy)\"\n" + shared)
            .write(to: config, atomically: true, encoding: .utf8)
        let server = try P.start(
            daemon,
            [
                "--config", config.path, "--binary-port", String(port), "--http-port", String(httpPort),
                "--data-dir", work.path + "/data", "--token", "t", "--log-level", "warning", "--world-gaussians", "2000", "--threads", "1",
            ])
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        try await P.waitForListener(port: port)
        let robotsProcess = try P.start(
            client,
            [
                "--role", "robot", "--count", String(robots), "--server", "127.0.0.1:\(port)", "--token", "t",
                "--duration", String(seconds), "--world-gaussians", "2000", "--image-size", "32x24",
                "--estimation-error", String(r), "--out", work.path + "/reports",
            ] + (evaluatesQuality ? [] : ["--no-quality"])
                + (receiver.map { ["--uplink-antennas", String($0.antennas), "--uplink-receiver", $0.combiner] } ?? []))
        #expect(try await P.wait(robotsProcess) == 0)
        // The last reports are in by now (they go out with each POSE).
        let metrics = try P.runToCompletion("/usr/bin/curl", ["-sf", "http://127.0.0.1:\(httpPort)/metrics"]).output
        kill(server.processIdentifier, SIGTERM)
        #expect(try await P.wait(server) == 0)
        var outcome = Outcome(transmissions: 0, outages: 0, meanPower: 0, achievedLoss: 0, interferenceToNoise: 0, reported: (0, 0))
        var powers: [Double] = [], interference: [Double] = [], losses: [Double] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: work.path + "/reports") where file.hasSuffix(".json") {
            let report = try P.json(work.path + "/reports/" + file)
            for row in report["rows"] as? [[String: Any]] ?? [] {
                powers.append(row["power_w"] as? Double ?? 0)
                losses.append(row["loss"] as? Double ?? 0)
                guard (row["bits"] as? Double ?? 0) > 0 else { continue }
                outcome.transmissions += 1
                interference.append(row["interference_to_noise"] as? Double ?? 0)
                if row["outage"] as? Bool == true { outcome.outages += 1 }
            }
        }
        outcome.meanPower = powers.reduce(0, +) / Double(max(powers.count, 1))
        outcome.achievedLoss = losses.reduce(0, +) / Double(max(losses.count, 1))
        outcome.interferenceToNoise = interference.reduce(0, +) / Double(max(interference.count, 1))
        func counter(_ name: String) -> Int {
            let line = metrics.split(separator: "\n").first { $0.hasPrefix("\(name){role=\"robot\"}") }
            return line.flatMap { Double($0.split(separator: " ").last ?? "").map { Int($0) } } ?? -1
        }
        outcome.reported = (counter("edge_link_transmissions_total"), counter("edge_link_outages_total"))
        return outcome
    }

    @Test("at ω² = 0.04|h̃|²: APO's measured outage rate exceeds ε = 0.1, BILS's stays within it")
    func bilsKeepsTheOutageTargetOverTheNetwork() async throws {
        guard let apo = try await Self.run(solver: "apo", r: 0.04), let bils = try await Self.run(solver: "bils", r: 0.04) else {
            Issue.record("edge-serverd/client-sim not built: run `swift build` first")
            return
        }
        #expect(apo.transmissions >= 100 && bils.transmissions >= 100)
        #expect(apo.interval.lowerBound > 0.1, "apo: \(apo.outages)/\(apo.transmissions)")
        #expect(bils.interval.lowerBound <= 0.1, "bils: \(bils.outages)/\(bils.transmissions)")
        for outcome in [apo, bils] {
            // The daemon counts what the robots reported: all but the last slot or two.
            #expect(outcome.reported.transmissions <= outcome.transmissions)
            #expect(outcome.reported.transmissions >= outcome.transmissions - 4 * 2)
            #expect(outcome.reported.outages <= outcome.outages && outcome.reported.outages >= outcome.outages - 4 * 2)
        }
    }

    @Test("3 robots on a 4-antenna receiver: ZF removes the interference MRC leaves, and with it the outages")
    func zeroForcingRemovesInterference() async throws {
        let receiver = { (combiner: String) in (antennas: 4, combiner: combiner) }
        guard let mrc = try await Self.run(solver: "apo", r: 0, robots: 3, seconds: 6, receiver: receiver("mrc")),
            let zf = try await Self.run(solver: "apo", r: 0, robots: 3, seconds: 6, receiver: receiver("zf"))
        else {
            Issue.record("edge-serverd/client-sim not built: run `swift build` first")
            return
        }
        #expect(mrc.interferenceToNoise > 1, "mrc: interference-to-noise \(mrc.interferenceToNoise)")
        #expect(zf.interferenceToNoise < 1e-12, "zf: interference-to-noise \(zf.interferenceToNoise)")
        #expect(mrc.interval.lowerBound > 0.5 && zf.interval.upperBound < 0.1, "mrc \(mrc.rate), zf \(zf.rate)")
    }

    /// GSMR §VI-A live: Q_GS decided by price (`gsmr.low_power_policy = "price"`) with L_th set
    /// to the loss APO achieved on the same robots, route and channel seed spends less power
    /// than APO's budget-bound plan, and its robots see no more loss.
    @Test("Q_GS by price at APO's achieved loss spends less power than APO, at no more loss")
    func lowPowerSavesPowerAtAPOsLoss() async throws {
        guard let apo = try await Self.run(solver: "apo", r: 0, robots: 2, seconds: 60, evaluatesQuality: true) else {
            Issue.record("edge-serverd/client-sim not built: run `swift build` first")
            return
        }
        #expect(apo.achievedLoss > 0, "quality evaluation on: the robots report their GS loss")
        guard
            let price = try await Self.run(
                solver: "qgs", r: 0, lossThreshold: apo.achievedLoss, lowPowerPolicy: "price", robots: 2, seconds: 60, evaluatesQuality: true)
        else { return }
        print(
            String(
                format: "low power live: apo %.2f mW, loss %.5f; qgs by price at L_th = %.5f: %.2f mW, loss %.5f", apo.meanPower * 1e3,
                apo.achievedLoss, apo.achievedLoss, price.meanPower * 1e3, price.achievedLoss))
        #expect(price.meanPower < apo.meanPower, "qgs by price \(price.meanPower) W, apo \(apo.meanPower) W")
        #expect(price.achievedLoss <= apo.achievedLoss, "qgs by price \(price.achievedLoss), apo \(apo.achievedLoss)")
    }
}
