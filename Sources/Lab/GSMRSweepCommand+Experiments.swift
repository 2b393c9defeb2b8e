import Foundation
import Numerics
import Optimizers
import Scenarios
import Wireless

extension GSMRSweepCommand {
    /// BILS vs APO when the server only knows h̃ and h = h̃ + Δh, ω² = 0.04|h̃|², ε = 0.1,
    /// K = 10 dB (paper Fig. 11). A frame whose upload fails is shown from the GS render, so its
    /// expected loss is `L_t·(1 − x_t + x_t·P_out,t)`; packet loss is the mean outage over frames.
    func robustComparison(directory: URL, powers: [Double], options: GSCLOSolverOptions, lossSource: any FrameLossSource) throws -> ComparisonTable {
        var table = ComparisonTable()
        for power in powers {
            let scenario = source.scenario(powerMilliwatts: power, kFactorDB: 10)
            for run in 0..<runs {
                let instance = try scenario.instance(run: run, losses: lossSource)
                let robust = try RobustCosts(instance)
                for solver in [GSCLOSolverName.apo, .bils] {
                    let result = try GSCLOSolver.solve(instance, with: solver, options: options)
                    var expectedLoss = 0.0, outage = 0.0, imageOutage = 0.0
                    for t in 0..<instance.frames {
                        let image = result.x[t] == 1
                        let failure = robust.outage(instance, frame: t, image: image, power: result.powers[t])
                        outage += failure
                        if image { imageOutage += failure }
                        expectedLoss += instance.losses[t] * (image ? failure : 1)
                    }
                    let images = Double(result.x.reduce(0, +))
                    table.add(
                        power: power, solver: solver.rawValue,
                        metrics: [
                            "planned_loss": result.objective,
                            "expected_loss": expectedLoss / Double(instance.frames),
                            "packet_loss": outage / Double(instance.frames),
                            "image_packet_loss": images > 0 ? imageOutage / images : 0,
                            "images": images,
                        ])
                }
            }
        }
        let metrics = ["planned_loss", "expected_loss", "packet_loss", "image_packet_loss", "images"]
        try table.csv(metrics: metrics).write(
            to: directory.appendingPathComponent("robust_K10dB.csv"), atomically: true, encoding: .utf8)
        try table.plot("expected_loss", title: "Expected loss under channel error (K = 10 dB)", yLabel: "loss")
            .write(to: directory.appendingPathComponent("robust_loss.svg"))
        try table.plot("packet_loss", title: "Packet loss probability (ε = 0.1)", yLabel: "mean outage")
            .write(to: directory.appendingPathComponent("robust_packet_loss.svg"))
        return table
    }

    /// Mean power of the low-power solvers vs L_th at K = 30 dB, against RoboMR's all-images
    /// power Σ c_t(1)/T (paper Fig. 13). The budget P plays no role here.
    func lowPowerSweep(directory: URL, options: GSCLOSolverOptions, lossSource: any FrameLossSource) throws -> ComparisonTable {
        var table = ComparisonTable()
        let thresholds = stride(from: 0.01, through: 0.0501, by: 0.005).map { $0 }
        let scenario = source.scenario(powerMilliwatts: 10, kFactorDB: 30)
        for run in 0..<runs {
            var instance = try scenario.instance(run: run, losses: lossSource)
            let allImages = FrameCosts(instance).image.reduce(0, +) / Double(instance.frames)
            for threshold in thresholds {
                instance.lossThreshold = threshold
                table.add(power: threshold, solver: "robomr-all-images", metrics: ["power_mW": allImages * 1e3, "saving": 0])
                for solver in [GSCLOSolverName.lowpower, .qgs, .qgsPenalty] {
                    let result: SolverResult
                    do {
                        result = try GSCLOSolver.solve(instance, with: solver, options: options)
                    } catch {
                        guard error.code == .numerical, solver == .qgs else { throw error }
                        table.countUnproven(power: threshold)
                        continue
                    }
                    guard result.feasible else {
                        throw OptimizerError(.numerical, "\(solver.rawValue) infeasible at L_th = \(threshold)")
                    }
                    table.add(
                        power: threshold, solver: solver.rawValue,
                        metrics: [
                            "power_mW": result.objective * 1e3, "saving": 1 - result.objective / allImages,
                        ])
                }
            }
        }
        let csv = table.csv(metrics: ["power_mW", "saving"]).replacingOccurrences(of: "P_mW,", with: "L_th,")
        try csv.write(to: directory.appendingPathComponent("lowpower_K30dB.csv"), atomically: true, encoding: .utf8)
        var plot = table.plot("power_mW", title: "Mean transmit power vs L_th (K = 30 dB)", yLabel: "mW (log scale)", logY: true)
        plot.xLabel = "L_th"
        try plot.write(to: directory.appendingPathComponent("lowpower.svg"))
        return table
    }

    /// Two robots, a four-antenna server with ZF, K = 0 dB, P ∈ {5, 10} mW (paper Table III):
    /// mean loss per robot for GS-only, MaxRate, APO and the exact optimum.
    func multiRobot(directory: URL, options: GSCLOSolverOptions, lossSource: any FrameLossSource) throws -> ComparisonTable {
        var table = ComparisonTable()
        let robots = 2, antennas = 4
        for power in [5.0, 10.0] {
            let scenario = source.scenario(powerMilliwatts: power, kFactorDB: 0)
            let model = RicianChannel(antennas: antennas, kFactorDB: 0, largeScaleGain: scenario.channel.largeScaleGain)
            for run in 0..<runs {
                let template = try scenario.instance(run: run, losses: lossSource)
                let links = (0..<robots).map { UInt64(1000 + run * robots + $0) }
                let channels = (0..<template.frames).map { t in
                    links.map { model.realisation(seed: scenario.seed, link: $0, slot: UInt64(t)) }
                }
                let losses = try links.map { try lossSource.losses(frames: template.frames, run: Int($0)) }
                let system = try GSMRMultiRobot(template: template, losses: losses, channels: channels)
                for solver in [GSCLOSolverName.robogs, .maxrate, .apo, .exact] {
                    for (robot, result) in try system.solve(with: solver, options: options).enumerated() {
                        table.add(power: power, solver: "\(solver.rawValue)#\(robot + 1)", metrics: ["loss": result.objective])
                    }
                }
            }
        }
        try table.csv(metrics: ["loss"]).write(
            to: directory.appendingPathComponent("multirobot_N4_K2.csv"), atomically: true, encoding: .utf8)
        return table
    }
}
