import ArgumentParser
import Foundation
import Optimizers
import Scenarios

/// `gs-lab irac sweep`: every scheme over a range of power budgets (paper Fig. 3), the latency
/// EdgeGS causes versus ours (Fig. 6), and ILO against PMM (Fig. 7): CSV + markdown summary.
struct IRACSweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep", abstract: "Loss vs P for every IRAC scheme, EdgeGS latency, ILO vs PMM.")

    @OptionGroup var scenario: IRACScenarioOptions
    @OptionGroup var world: ScenarioSourceOptions
    @OptionGroup var smallModel: SmallModelOptions
    @Option(help: "Power budgets in mW, comma-separated.") var powersMw = "0.5,1,2,5,10,20"
    @Option(help: "Random instances per power budget.") var runs = 100
    @Option(help: "Seed of the first instance.") var seed: UInt64 = 1000
    @Option(help: "ILO model file (default: the shipped model).") var model: String?
    @Option(help: "Output directory for sweep.csv and sweep.md.") var out = "irac-sweep"

    /// Totals for one (P, scheme) cell.
    struct Cell {
        var objective = 0.0, served = 0.0, feasible = 0, latency = 0.0, time = 0.0, count = 0
        var agreement = 0.0, gapToExact = 0.0
        /// Σ over users of the squared error of the frame each user sees (0 when served by the
        /// edge's large model) and the number of users, for the pooled PSNR (world source only).
        var squaredError = 0.0, users = 0
        /// PSNR (dB) of all frames pooled: 10·log10(1/mean MSE); nil without world measurements.
        var pooledPSNR: Double? { users > 0 ? ImageComparison.psnr(meanSquaredError: squaredError / Double(users)) : nil }
    }

    func run() throws {
        let powers = try powersMw.split(separator: ",").map { text -> Double in
            guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value > 0 else {
                throw ValidationError("--powers-mw: '\(text)' is not a positive number")
            }
            return value
        }
        var options = IRACSolverOptions()
        options.iloModel = try model.map { try ILOModel.load(from: URL(fileURLWithPath: $0)) } ?? (try? ILOModel.shipped())
        let schemes = IRACSolverName.allCases.filter { $0 != .ilo || options.iloModel != nil }
        if options.iloModel == nil { print("note: no ILO model available, skipping ilo") }
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let seeds = (0..<UInt64(runs)).map { seed + $0 }
        let measured = try world.usesWorld ? measureWorld(seeds: seeds) : nil
        var csv = ["P_mW,scheme,loss_per_user,objective,served,feasible_share,worst_latency_ms,time_us,agreement_with_pmm,gap_to_exact,psnr_dB"]
        var table: [(Double, [IRACSolverName: Cell])] = []
        for power in powers {
            var settings = scenario.scenario(powerMW: power)
            if let measured { settings.gainSource = measured.gains }
            var cells: [IRACSolverName: Cell] = [:]
            for run in 0..<runs {
                let instance = try settings.instance(seed: seed + UInt64(run))
                var results: [IRACSolverName: SolverResult] = [:]
                for name in schemes { results[name] = try IRACSolvers.solve(instance, with: name, options: options) }
                let pmm = results[.pmm]!.x, exact = results[.exact]!.objective
                for (name, result) in results {
                    var cell = cells[name, default: Cell()]
                    cell.objective += result.objective
                    cell.served += Double(result.x.reduce(0, +))
                    cell.feasible += result.feasible ? 1 : 0
                    let decision = IRACDecision(served: result.x.map { $0 == 1 }, powers: result.powers)
                    cell.latency = max(cell.latency, instance.worstLatency(decision))
                    cell.time += result.timeSeconds
                    cell.agreement += Double(zip(result.x, pmm).filter { $0 == $1 }.count) / Double(pmm.count)
                    cell.gapToExact += result.feasible ? result.objective - exact : 0
                    if let errors = measured?.squaredErrors[seed + UInt64(run)] {
                        cell.squaredError += zip(result.x, errors).reduce(0) { $0 + ($1.0 == 1 ? 0 : $1.1) }
                        cell.users += errors.count
                    }
                    cell.count += 1
                    cells[name] = cell
                }
            }
            for name in schemes {
                let c = cells[name]!, n = Double(c.count)
                csv.append(
                    [
                        "\(power)", name.rawValue, "\(c.objective / n / Double(scenario.users))", "\(c.objective / n)",
                        "\(c.served / n)", "\(Double(c.feasible) / n)", "\(c.latency * 1e3)", "\(c.time / n * 1e6)",
                        "\(c.agreement / n)", "\(c.gapToExact / n)", c.pooledPSNR.map { "\($0)" } ?? "",
                    ].joined(separator: ","))
            }
            table.append((power, cells))
            print("P = \(power) mW done")
        }
        try (csv.joined(separator: "\n") + "\n").write(toFile: "\(out)/sweep.csv", atomically: true, encoding: .utf8)
        let deltaSource = measured?.gains.label ?? scenario.scenario(powerMW: 1).gainSource.label
        let markdown = "Δ_k source: \(deltaSource).\n\n" + summary(table, schemes: schemes)
        try markdown.write(toFile: "\(out)/sweep.md", atomically: true, encoding: .utf8)
        print(markdown)
    }

    /// Δ_k and the small model's squared error per user, rendered once per seed in the world.
    func measureWorld(seeds: [UInt64]) throws -> (gains: RecordedSwitchingGains, squaredErrors: [UInt64: [Double]]) {
        let settings = scenario.scenario(powerMW: 1)
        let clock = Stopwatch()
        let source = try smallModel.switchingGains(world: world, areaSide: settings.areaSide, fraction: scenario.smallFraction)
        var gains: [UInt64: [Double]] = [:], errors: [UInt64: [Double]] = [:]
        for instanceSeed in seeds {
            let views = try source.views(positions: settings.positions(seed: instanceSeed), seed: instanceSeed)
            gains[instanceSeed] = views.map(\.switchingGain)
            errors[instanceSeed] = views.map(\.comparison.meanSquaredError)
        }
        print(String(format: "rendered %d users in the world in %.1f s (%@)", seeds.count * scenario.users, clock.elapsedSeconds, source.label))
        return (RecordedSwitchingGains(label: source.label, gains: gains), errors)
    }

    /// Markdown tables: mean objective per scheme and P; EdgeGS vs PMM latency; ILO vs PMM.
    func summary(_ table: [(Double, [IRACSolverName: Cell])], schemes: [IRACSolverName]) -> String {
        let n = Double(runs)
        var lines = [
            "Mean IRAC objective Σ(1−x)Δ (lower is better), \(runs) random slots per P, K = \(scenario.users), K_max = \(scenario.kMax):", "",
        ]
        lines.append("| P (mW) | " + schemes.map(\.rawValue).joined(separator: " | ") + " |")
        lines.append("|---" + String(repeating: "|---", count: schemes.count) + "|")
        for (power, cells) in table {
            let values = schemes.map { String(format: "%.4f", cells[$0]!.objective / n) + (cells[$0]!.feasible < runs ? "†" : "") }
            lines.append("| \(power) | " + values.joined(separator: " | ") + " |")
        }
        lines += ["", "† infeasible on some slots (EdgeGS ignores the constraints by design).", ""]
        if table.first?.1.values.first?.pooledPSNR != nil {
            lines.append(
                "PSNR (dB) of the frames users see (the large render if served by the edge, else the small render), against the large render, pooled over users and slots (10·log10(1/mean MSE); higher is better):"
            )
            lines += ["", "| P (mW) | " + schemes.map(\.rawValue).joined(separator: " | ") + " |"]
            lines.append("|---" + String(repeating: "|---", count: schemes.count) + "|")
            for (power, cells) in table {
                lines.append("| \(power) | " + schemes.map { String(format: "%.2f", cells[$0]!.pooledPSNR!) }.joined(separator: " | ") + " |")
            }
            lines.append("")
        }
        lines.append(
            "| P (mW) | EdgeGS worst latency (ms) | PMM worst latency (ms) | PMM mean gap to exact | PMM time (µs) | ILO agreement with PMM | ILO gap to PMM | ILO time (µs) |"
        )
        lines.append("|---|---|---|---|---|---|---|---|")
        for (power, cells) in table {
            let pmm = cells[.pmm]!, edge = cells[.edgegs]!
            var row =
                "| \(power) | "
                + String(format: "%.1f | %.1f | %.5f | %.0f", edge.latency * 1e3, pmm.latency * 1e3, pmm.gapToExact / n, pmm.time / n * 1e6)
            if let ilo = cells[.ilo] {
                row += String(format: " | %.2f %% | %.5f | %.1f |", ilo.agreement / n * 100, (ilo.objective - pmm.objective) / n, ilo.time / n * 1e6)
            } else {
                row += " | – | – | – |"
            }
            lines.append(row)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
