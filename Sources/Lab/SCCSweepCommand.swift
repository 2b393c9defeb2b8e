import ArgumentParser
import Foundation
import Optimizers

/// `gs-lab scc sweep`: every solver on instances of both cities — the paper's Table II (HV per
/// city, mean HV, time per instance), its fronts (Figs. 5–6), time vs users (Fig. 7) and the
/// latency-/energy-oriented solutions vs mean inter-MEC distance (Fig. 8). CSV, SVG, markdown.
struct SCCSweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep", abstract: "Table II, Figs. 5–8 of the SCC paper: HV and time of every solver on both cities.")

    @OptionGroup var scenario: SCCScenarioOptions
    @Option(help: "Instances per city.") var instances = 5
    @Option(help: "Seed of the first instance.") var seed: UInt64 = 1
    @Option(parsing: .upToNextOption, help: "Solvers to compare (exact only fits tiny instances).")
    var solvers: [SCCSolverName] = [.random, .weightgreedy, .nsga2, .moead, .mocmpo]
    @OptionGroup var tuning: SCCSolverTuningOptions
    @Option(help: "Users per point of the time plot (Fig. 7), comma-separated; empty to skip.") var timeUsers = "50,100,200,400"
    @Option(help: "Instances of the distance sweep (Fig. 8); 0 to skip.") var distanceInstances = 10
    @Option(help: "Small instances per city compared with the exact front; 0 to skip.") var exactInstances = 10
    @Option(help: "Users of those small instances (V = 3, M = 4).") var exactUsers = 5
    @Option(help: "Output directory.") var out = "scc-sweep"

    /// One solver's answer on one instance.
    struct Run {
        var city: SCCCity
        var instanceSeed: UInt64
        var solver: SCCSolverName
        var hypervolume: Double
        var time: Double
        /// CPU time of the solving thread (s): immune to other processes on a shared machine.
        var cpuTime: Double
        var front: [SCCFrontPoint]
    }

    func run() throws {
        guard instances >= 1 else { throw ValidationError("--instances must be at least 1") }
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let options = tuning.options
        var runs: [Run] = []
        var representative: [SCCCity: (seed: UInt64, distance: Double)] = [:]
        for city in SCCCity.allCases {
            let settings = scenario.scenario(city: city)
            let cells = city.cells(seed: scenario.citySeed)
            for k in 0..<UInt64(instances) {
                let network = try settings.network(seed: seed + k, cells: cells)
                let evaluator = SCCEvaluator(network.instance)
                // Figs. 5–6 show an instance whose mean inter-cell distance is near the median.
                let gap = abs(network.averageDistanceKm - city.paperDistancesKm.median)
                if gap < abs((representative[city]?.distance ?? .infinity) - city.paperDistancesKm.median) {
                    representative[city] = (seed + k, network.averageDistanceKm)
                }
                for solver in solvers {
                    let cpu = ThreadCPUClock()
                    let result = try SCCSolvers.solve(network.instance, with: solver, options: options)
                    let cpuTime = cpu.elapsedSeconds
                    let hv = Pareto.normalisedHypervolume(result.front.map(\.objectives), reference: evaluator.reference)
                    runs.append(
                        Run(
                            city: city, instanceSeed: seed + k, solver: solver, hypervolume: hv, time: result.timeSeconds, cpuTime: cpuTime,
                            front: result.front))
                    print(
                        String(
                            format: "%@ seed %llu %@: HV %.4f, %d points, %.3f s (CPU %.3f s)", city.rawValue, seed + k, solver.rawValue, hv,
                            result.front.count, result.timeSeconds, cpuTime))
                }
            }
        }
        try writeTable(runs)
        try writeFronts(runs, representative: representative)
        let timing = try timeSweep(options: options)
        let distance = try distanceSweep(options: options)
        let exactness = try exactComparison(options: options)
        let markdown = tableMarkdown(runs) + exactness + timing + distance
        try markdown.write(toFile: "\(out)/sweep.md", atomically: true, encoding: .utf8)
        print(markdown)
    }

    /// table2.csv (one row per solver and instance).
    func writeTable(_ runs: [Run]) throws {
        var csv = ["city,instance_seed,solver,hv,time_s,cpu_s,front_points"]
        for run in runs {
            csv.append(
                "\(run.city.rawValue),\(run.instanceSeed),\(run.solver.rawValue),\(run.hypervolume),\(run.time),\(run.cpuTime),\(run.front.count)")
        }
        try (csv.joined(separator: "\n") + "\n").write(toFile: "\(out)/table2.csv", atomically: true, encoding: .utf8)
    }

    /// Table II: HV-CA, HV-VA, mean HV and mean time per solver, beside the paper's.
    func tableMarkdown(_ runs: [Run]) -> String {
        let paper: [SCCSolverName: (Double, Double, Double, String)] = [
            .random: (0.5323, 0.4304, 0.4823, "9 s"), .weightgreedy: (0.6008, 0.5096, 0.5559, "17 s"),
            .nsga2: (0.6615, 0.5653, 0.6163, "3 min 18 s"), .moead: (0.6572, 0.5744, 0.6165, "1 min 24 s"), .mocmpo: (0.6659, 0.5771, 0.6221, "43 s"),
        ]
        var lines = [
            "Table II — normalised HV (eq. 35; reference = per-instance upper bound of T and E, docs/SCC.md) and time per instance; \(instances) instances per city, U = \(scenario.users), V = \(scenario.spaces), M = \(scenario.mecs)\(tuning.greedySeeded ? "; NSGA-II and MOEA/D seeded with Weight-Greedy's answers" : ""):",
            "",
            "| solver | HV-CA | HV-VA | HV | time / instance | CPU / instance | paper HV-CA | paper HV-VA | paper HV | paper time |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        func mean(_ values: [Double]) -> Double { values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count) }
        for solver in solvers {
            let mine = runs.filter { $0.solver == solver }
            let ca = mean(mine.filter { $0.city == .california }.map(\.hypervolume))
            let va = mean(mine.filter { $0.city == .virginia }.map(\.hypervolume))
            let all = mean(mine.map(\.hypervolume)), time = mean(mine.map(\.time)), cpu = mean(mine.map(\.cpuTime))
            let reference = paper[solver].map { String(format: "%.4f | %.4f | %.4f | %@", $0.0, $0.1, $0.2, $0.3) } ?? "– | – | – | –"
            lines.append(String(format: "| %@ | %.4f | %.4f | %.4f | %.3f s | %.3f s | ", solver.rawValue, ca, va, all, time, cpu) + reference + " |")
        }
        let infeasible = runs.reduce(0) { $0 + $1.front.filter { !$0.feasible }.count }
        let points = runs.reduce(0) { $0 + $1.front.count }
        lines += [
            "",
            "Infeasible assignments returned: \(infeasible) of \(points) front points (each re-checked with the instance's own constraint formulas).",
        ]
        return lines.joined(separator: "\n") + "\n\n"
    }
}

/// Tuning of the SCC solvers from the command line.
struct SCCSolverTuningOptions: ParsableArguments {
    @Option(help: "Random: feasible draws per instance.") var randomSamples = 1000
    @Option(help: "Weight-Greedy / weighted exact: points of the w grid.") var weightPoints = 21
    @Option(help: "NSGA-II population and MOEA/D subproblems.") var population = 100
    @Option(help: "NSGA-II and MOEA/D generations.") var generations = 1000
    @Option(help: "MOEA/D neighbourhood size T.") var neighbours = 10
    @Option(help: "Seed of the randomised solvers.") var solverSeed: UInt64 = 1
    @Flag(help: "Start NSGA-II and MOEA/D from Weight-Greedy's answers too (not the published algorithms).")
    var greedySeeded = false

    var options: SCCSolverOptions {
        var options = SCCSolverOptions()
        options.randomSamples = randomSamples
        options.weightPoints = weightPoints
        options.nsga2.populationSize = population
        options.nsga2.generations = generations
        options.nsga2.seed = solverSeed
        options.moead.subproblems = population
        options.moead.generations = generations
        options.moead.neighbours = neighbours
        options.moead.seed = solverSeed
        options.seed = solverSeed
        options.seedWithWeightGreedy = greedySeeded
        return options
    }
}
