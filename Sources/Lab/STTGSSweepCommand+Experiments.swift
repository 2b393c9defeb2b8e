import Foundation
import Optimizers

extension STTGSSweepCommand {
    /// Paper-setting instance for `seed` with K clients and budgets overridden.
    /// Datasets come from `bank` (world recordings for K = 5, synthetic otherwise).
    func generated(
        clients: Int = 5, seed: UInt64, powerSum: Double = 0.3, time: Double = 350,
        ratio: Double = 0.1, sampling: PilotSampling = .fdc, bank: STTGSDatasetBank
    ) throws -> STTGSScenario.Generated {
        var scenario = STTGSScenario(clients: clients, seed: seed)
        scenario.powerSum = powerSum
        scenario.timeBudget = time
        scenario.samplingRatio = ratio
        return try scenario.generate(datasets: bank.datasets(for: scenario).data, sampling: sampling)
    }

    /// MSE of ψ (mean per-image loss), the relative error of π̃ per client (clients whose true
    /// π is 0 — possible on world data, where a client may see only what S′ knows — are left
    /// out of it) and the pooled relative error Σ|π̃ − π| / Σπ, per scheme and ρ; plus the
    /// optional cluster-size-weighted FDC estimator.
    func fdcExperiment(bank: STTGSDatasetBank) throws -> STTGSTable {
        var table = STTGSTable(["rho", "scheme", "mse_psi", "mean_rel_err_pi", "max_rel_err_pi", "pooled_rel_err_pi"])
        for ratio in [0.02, 0.04, 0.10, 0.20] {
            for scheme in PilotSampling.allCases {
                var errors = PredictionErrors()
                for seed in 1...UInt64(seeds) {
                    let run = try generated(seed: seed, ratio: ratio, sampling: scheme, bank: bank)
                    for k in 0..<run.instance.clientCount {
                        errors.add(predicted: run.instance.predictedLoss[k], truth: run.trueLoss[k], images: run.instance.imageCounts[k])
                    }
                }
                table.append([ratio, scheme.rawValue] + errors.cells)
            }
            table.append(try weightedFDCRow(ratio: ratio, bank: bank))
        }
        return table
    }

    /// Accumulated errors of predicted dataset losses π̃ against the true π.
    struct PredictionErrors {
        private var squared: [Double] = [], relative: [Double] = []
        private var absoluteSum = 0.0, truthSum = 0.0

        mutating func add(predicted: Double, truth: Double, images: Int) {
            squared.append(pow((predicted - truth) / Double(images), 2))
            if truth > 0 { relative.append(abs(predicted - truth) / truth) }
            absoluteSum += abs(predicted - truth)
            truthSum += truth
        }

        /// mse_psi, mean and max relative error, pooled relative error.
        var cells: [CustomStringConvertible] { [squared.mean, relative.mean, relative.max() ?? .nan, absoluteSum / truthSum] }
    }

    func pilotExperiment(bank: STTGSDatasetBank) throws -> STTGSTable {
        var table = STTGSTable(["seed", "T0_pttm_s", "T0_equal_s", "ratio"])
        var ratios: [Double] = []
        for seed in 1...UInt64(seeds) {
            let instance = try generated(seed: seed, bank: bank).instance
            let pttm = try PilotTransmission.minimiseTime(instance).pilotTime
            let equal = PilotTransmission.equalPower(instance).pilotTime
            ratios.append(equal / pttm)
            table.append([seed, pttm, equal, equal / pttm])
        }
        table.append(["mean", "", "", ratios.mean])
        return table
    }

    enum Budget { case power, time }

    /// Mean Σxπ̃, data volume (GB) and clients served per scheme as one budget varies.
    func selectionExperiment(varying budget: Budget, bank: STTGSDatasetBank) throws -> STTGSTable {
        var table = STTGSTable([budget == .power ? "Psum_mW" : "T_s", "solver", "objective", "data_GB", "served", "feasible_runs"])
        let levels = budget == .power ? [0.1, 0.2, 0.3, 0.4, 0.5] : [250.0, 300, 350, 400, 450]
        for level in levels {
            var rows: [STTGSSolverName: (objective: [Double], volume: [Double], served: [Double], feasible: Int)] = [:]
            for seed in 1...UInt64(seeds) {
                let instance = try generated(
                    seed: seed, powerSum: budget == .power ? level : 0.3,
                    time: budget == .time ? level : 350, bank: bank
                ).instance
                guard let problem = try? instance.stageTwo() else { continue }
                for solver in STTGSSolverName.allCases {
                    let result = try STTGSSolvers.solve(problem, with: solver)
                    let volume =
                        result.x.indices.reduce(0.0) { total, k in
                            total + Double(result.x[k]) * instance.bitsPerSample[k] * Double(instance.imageCounts[k])
                        } / 8e9
                    var entry = rows[solver] ?? ([], [], [], 0)
                    entry.objective.append(result.objective)
                    entry.volume.append(volume)
                    entry.served.append(Double(result.x.reduce(0, +)))
                    entry.feasible += result.feasible ? 1 : 0
                    rows[solver] = entry
                }
            }
            for solver in STTGSSolverName.allCases {
                guard let entry = rows[solver] else { continue }
                table.append([
                    budget == .power ? level * 1000 : level, solver.rawValue, entry.objective.mean,
                    entry.volume.mean, entry.served.mean, "\(entry.feasible)/\(entry.objective.count)",
                ])
            }
        }
        return table
    }

    /// ‖Δx‖ and ‖Δp‖ per outer iteration, run to the full iteration count, of the paper's plain
    /// Algorithm 3 (no extrapolation step), as its Fig. 10 shows.
    func convergenceExperiment(bank: STTGSDatasetBank) throws -> STTGSTable {
        let problem = try generated(seed: 1, bank: bank).instance.stageTwo()
        let solution = try PAMM(options: PAMM.Options(outerIterations: 100, tolerance: 0, maxExtrapolation: 0)).solve(problem)
        var table = STTGSTable(["iteration", "delta_x", "delta_p"])
        for i in solution.selectionSteps.indices {
            table.append([i + 1, solution.selectionSteps[i], solution.powerSteps[i]], digits: 3)
        }
        return table
    }

    /// Median solve time per solver and K (exact under a node limit; "limit" when it is hit).
    func timingExperiment(_ counts: [Int], bank: STTGSDatasetBank) throws -> STTGSTable {
        var table = STTGSTable(["K", "solver", "median_time_s", "mean_objective", "instances"])
        for k in counts {
            var problems: [STTGSStageTwo] = []
            for seed in 1...UInt64(min(seeds, 5)) {
                if let problem = try? generated(clients: k, seed: seed, bank: bank).instance.stageTwo() { problems.append(problem) }
            }
            for solver in STTGSSolverName.allCases {
                var times: [Double] = [], objectives: [Double] = []
                var limited = false
                for problem in problems {
                    let clock = Stopwatch()
                    if solver == .exact {
                        do {
                            let solution = try ExactSelection(nodeLimit: exactNodeLimit).solve(problem)
                            objectives.append(solution.objective)
                        } catch { limited = true; continue }
                    } else {
                        objectives.append(try STTGSSolvers.solve(problem, with: solver).objective)
                    }
                    times.append(clock.elapsedSeconds)
                }
                table.append([
                    k, solver.rawValue + (limited ? " (node limit hit)" : ""), times.median, objectives.mean,
                    "\(times.count)/\(problems.count)",
                ])
            }
        }
        return table
    }
}
