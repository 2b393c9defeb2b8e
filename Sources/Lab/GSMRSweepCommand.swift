import ArgumentParser
import Foundation
import Optimizers
import Scenarios
import Wireless

/// `gs-lab gsmr sweep`: the paper's comparisons (§VII) on our instances — loss and energy
/// efficiency vs P for every scheme at K_Ric = 0 and 30 dB, computation time of apo vs exact vs
/// search, APO convergence, BILS vs APO under channel error, power saving vs L_th, and the
/// two-robot ZF case. Writes CSV, one SVG per figure and `summary.md` into `--out`.
struct GSMRSweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Reproduce the GSMR paper's experiments: CSV + SVG per figure + summary.md.")

    @OptionGroup var source: GSMRSourceOptions
    @OptionGroup var world: ScenarioSourceOptions
    @OptionGroup var memory: GSMRMemoryOptions

    @Option(help: "Runs (independent channels and loss traces) per setting (paper: 50).")
    var runs: Int = 50

    @Option(help: "Power budgets P in mW.")
    var powersMw: String = "5,10,20,30,40"

    @Option(help: "Output directory.")
    var out: String = "results/gsmr"

    @OptionGroup var tuning: SolverTuningOptions

    static let comparedSolvers: [GSCLOSolverName] = [
        .apo, .exact, .ranking, .robomr, .robogs, .maxrate, .fairness, .search, .rounding, .maximg,
    ]

    func run() throws {
        let directory = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let powers = try parseList(powersMw)
        let options = tuning.gscloOptions
        let lossSource = try source.lossSource(world, memory: memory)
        var summary = GSMRSummary(runs: runs, frames: source.frames, lossSource: lossSource.name)

        for kFactor in [0.0, 30.0] {
            let table = try comparison(kFactorDB: kFactor, powers: powers, options: options, lossSource: lossSource)
            try table.write(to: directory, kFactorDB: kFactor, powers: powers)
            summary.comparisons.append((kFactor, table))
        }
        summary.convergence = try convergence(directory: directory, options: options, lossSource: lossSource)
        summary.robust = try robustComparison(directory: directory, powers: powers.filter { $0 >= 10 }, options: options, lossSource: lossSource)
        summary.lowPower = try lowPowerSweep(directory: directory, options: options, lossSource: lossSource)
        summary.multiRobot = try multiRobot(directory: directory, options: options, lossSource: lossSource)
        let markdown = summary.markdown()
        try markdown.write(to: directory.appendingPathComponent("summary.md"), atomically: true, encoding: .utf8)
        print(markdown)
    }

    /// Every compared scheme on `runs` instances per budget.
    func comparison(kFactorDB: Double, powers: [Double], options: GSCLOSolverOptions, lossSource: any FrameLossSource) throws -> ComparisonTable {
        var table = ComparisonTable()
        for power in powers {
            let scenario = source.scenario(powerMilliwatts: power, kFactorDB: kFactorDB)
            for run in 0..<runs {
                let instance = try scenario.instance(run: run, losses: lossSource)
                let errors = try (lossSource as? CachedFrameLosses)?.meanSquaredErrors(frames: instance.frames, run: run)
                var losses: [GSCLOSolverName: Double] = [:]
                for solver in Self.comparedSolvers {
                    let result: SolverResult
                    do {
                        result = try GSCLOSolver.solve(instance, with: solver, options: options)
                    } catch {
                        guard error.code == .numerical, solver == .exact else { throw error }
                        // The knapsack search gave up at its node cap: count it, never guess.
                        table.countUnproven(power: power)
                        continue
                    }
                    guard result.feasible else {
                        throw OptimizerError(.numerical, "\(solver.rawValue) returned an infeasible point (P=\(power) mW, run \(run))")
                    }
                    losses[solver] = result.objective
                    var metrics = [
                        "loss": result.objective,
                        "energy_Mbit_per_J": Self.energyEfficiency(instance, result) / 1e6,
                        "images": Double(result.x.reduce(0, +)),
                        "time_ms": result.timeSeconds * 1e3,
                    ]
                    if let errors {
                        // The run's MR video against the real one: frames sent as images are exact.
                        let squared = zip(result.x, errors).reduce(0) { $0 + ($1.0 == 1 ? 0 : $1.1) } / Double(errors.count)
                        metrics["psnr_dB"] = ImageComparison.psnr(meanSquaredError: squared)
                    }
                    table.add(power: power, solver: solver.rawValue, metrics: metrics)
                }
                // APO's gap to the proven optimum, on the runs where exact finished.
                if let exact = losses[.exact], let apo = losses[.apo] {
                    table.add(power: power, solver: "apo", metrics: ["gap_to_exact": exact > 0 ? apo / exact - 1 : 0])
                }
            }
        }
        return table
    }

    /// Achievable bits per joule: Σ_t B log2(1 + g_t p_t/σ²) / Σ_t p_t.
    static func energyEfficiency(_ instance: GSCLOInstance, _ result: SolverResult) -> Double {
        var rate = 0.0
        for t in 0..<instance.frames {
            rate += Shannon.rate(bandwidth: instance.bandwidth, sinr: instance.gains[t] * result.powers[t] / instance.noise)
        }
        return rate / result.powers.reduce(0, +)
    }

    /// APO's ‖Δx‖ and zero-one gap per iteration at P = 5 mW, K = 30 dB (paper Fig. 5a).
    func convergence(directory: URL, options: GSCLOSolverOptions, lossSource: any FrameLossSource) throws -> GSCLOSolver.APOTrace {
        let instance = try source.scenario(powerMilliwatts: 5, kFactorDB: 30).instance(run: 0, losses: lossSource)
        let trace = try GSCLOSolver.apoWithTrace(instance, options: options).trace
        var csv = "iteration,step_norm,binary_gap\n"
        for n in trace.stepNorms.indices { csv += "\(n + 1),\(trace.stepNorms[n]),\(trace.binaryGaps[n])\n" }
        try csv.write(to: directory.appendingPathComponent("apo_convergence.csv"), atomically: true, encoding: .utf8)
        var plot = SVGPlot(title: "APO convergence (P = 5 mW, K = 30 dB, run 0)", xLabel: "iteration n", yLabel: "value (log scale)")
        plot.logY = true
        plot.series = [
            .init(name: "‖Δx‖", points: trace.stepNorms.enumerated().map { (Double($0.offset + 1), $0.element) }),
            .init(name: "(1/T)Σx(1−x)", points: trace.binaryGaps.enumerated().map { (Double($0.offset + 1), $0.element) }),
        ]
        try plot.write(to: directory.appendingPathComponent("apo_convergence.svg"))
        return trace
    }
}

/// Means (and standard deviations) of named metrics per (budget, solver).
struct ComparisonTable {
    private(set) var powers: [Double] = []
    private(set) var solvers: [String] = []
    /// Runs per budget where an exact solver stopped at its node cap without a proof.
    private(set) var unproven: [Double: Int] = [:]
    private var samples: [String: [String: [Double]]] = [:]  // "P|solver" → metric → values

    mutating func countUnproven(power: Double) {
        if !powers.contains(power) { powers.append(power) }
        unproven[power, default: 0] += 1
    }

    mutating func add(power: Double, solver: String, metrics: [String: Double]) {
        if !powers.contains(power) { powers.append(power) }
        if !solvers.contains(solver) { solvers.append(solver) }
        for (name, value) in metrics { samples["\(power)|\(solver)", default: [:]][name, default: []].append(value) }
    }

    /// Whether any sample recorded `metric` (PSNR exists only for sources with images).
    func hasMetric(_ metric: String) -> Bool { samples.values.contains { $0[metric] != nil } }

    func mean(_ metric: String, power: Double, solver: String) -> Double {
        let values = samples["\(power)|\(solver)"]?[metric] ?? []
        return values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
    }

    func standardDeviation(_ metric: String, power: Double, solver: String) -> Double {
        let values = samples["\(power)|\(solver)"]?[metric] ?? []
        guard values.count > 1 else { return 0 }
        let m = mean(metric, power: power, solver: solver)
        return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
    }

    /// The CSV of every (P, solver) with the mean and standard deviation of each metric.
    func csv(metrics: [String]) -> String {
        var text = "P_mW,solver," + metrics.flatMap { [$0, "\($0)_std"] }.joined(separator: ",") + "\n"
        for power in powers {
            for solver in solvers {
                let values = metrics.flatMap {
                    [mean($0, power: power, solver: solver), standardDeviation($0, power: power, solver: solver)]
                }
                text += "\(power),\(solver)," + values.map { String($0) }.joined(separator: ",") + "\n"
            }
        }
        return text
    }

    /// One line per solver of `metric` against P.
    func plot(_ metric: String, title: String, yLabel: String, logY: Bool = false) -> SVGPlot {
        var plot = SVGPlot(title: title, xLabel: "P (mW)", yLabel: yLabel)
        plot.logY = logY
        plot.series = solvers.map { solver in
            .init(name: solver, points: powers.map { ($0, mean(metric, power: $0, solver: solver)) })
        }
        return plot
    }

    /// Writes the comparison's CSV and its loss, energy-efficiency and time plots.
    func write(to directory: URL, kFactorDB: Double, powers: [Double]) throws {
        let tag = String(format: "K%gdB", kFactorDB)
        try csv(metrics: ["loss", "energy_Mbit_per_J", "images", "time_ms"] + (hasMetric("psnr_dB") ? ["psnr_dB"] : []))
            .write(to: directory.appendingPathComponent("comparison_\(tag).csv"), atomically: true, encoding: .utf8)
        try plot("loss", title: "Mean GSMR loss vs P (K = \(kFactorDB) dB)", yLabel: "loss (1/T)ΣL(1−x)")
            .write(to: directory.appendingPathComponent("loss_\(tag).svg"))
        try plot("energy_Mbit_per_J", title: "Energy efficiency vs P (K = \(kFactorDB) dB)", yLabel: "Mbit/J")
            .write(to: directory.appendingPathComponent("energy_\(tag).svg"))
        try plot("time_ms", title: "Solver time vs P (K = \(kFactorDB) dB)", yLabel: "ms (log scale)", logY: true)
            .write(to: directory.appendingPathComponent("time_\(tag).svg"))
    }
}
