import ArgumentParser
import Foundation
import Optimizers
import Scenarios

/// `gs-lab gsmr memory`: what a trained GS memory changes — the per-frame losses L_t of the
/// procedural memory against a memory trained on each route's first lap (papers/gsmr-gsclo.txt
/// §IV-A), their distributions, and every scheme's mean loss on the same channels → `memory.md`
/// and `memory.csv` in `--out`.
struct GSMRMemoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory",
        abstract: "Procedural vs first-lap-trained GS memory: L_t distributions and the APO/baseline comparison.")

    @OptionGroup var source: GSMRSourceOptions
    @OptionGroup var world: ScenarioSourceOptions
    @OptionGroup var memory: GSMRMemoryOptions
    @OptionGroup var tuning: SolverTuningOptions
    @Option(help: "Runs (routes) compared.") var runs = 3
    @Option(help: "Power budgets P in mW.") var powersMw = "5,10,20,40"
    @Option(help: "Output directory.") var out = "results/gsmr-memory"

    /// The schemes compared (exact is left out: its node cap makes the run time unpredictable).
    static let solvers = GSMRSweepCommand.comparedSolvers.filter { $0 != .exact }

    func run() throws {
        guard world.usesWorld else { throw ValidationError("gsmr memory needs --source world") }
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
        let powers = try parseList(powersMw)
        var trainedOptions = memory
        trainedOptions.memory = .trained
        var proceduralOptions = memory
        proceduralOptions.memory = .procedural
        var csv = STTGSTable(["memory", "P_mW", "solver", "mean_loss", "images_per_frame"])
        var markdown = "L_t over \(runs) runs × \(source.frames) frames, world seed \(world.worldSeed), probe \(world.probeSize).\n\n"
        var distribution = STTGSTable(["memory", "mean L_t", "median", "share = 0", "share < 1e-3", "90th percentile", "max"])
        var comparison = STTGSTable(["memory", "P (mW)"] + Self.solvers.map(\.rawValue) + ["APO reduction vs robogs"])
        for options in [proceduralOptions, trainedOptions] {
            let losses = try source.lossSource(world, memory: options)
            let name = options.memory.rawValue
            let all = try (0..<runs).flatMap { try losses.losses(frames: source.frames, run: $0) }.sorted()
            func quantile(_ q: Double) -> Double { all[min(all.count - 1, Int(q * Double(all.count)))] }
            distribution.append(
                [
                    name, all.mean, quantile(0.5), Double(all.filter { $0 == 0 }.count) / Double(all.count),
                    Double(all.filter { $0 < 1e-3 }.count) / Double(all.count), quantile(0.9), all.last ?? .nan,
                ], digits: 4)
            for power in powers {
                let scenario = source.scenario(powerMilliwatts: power, kFactorDB: 0)
                var means: [Double] = []
                for solver in Self.solvers {
                    var loss = 0.0, images = 0.0
                    for run in 0..<runs {
                        let instance = try scenario.instance(run: run, losses: losses)
                        let result = try GSCLOSolver.solve(instance, with: solver, options: tuning.gscloOptions)
                        loss += result.objective
                        images += Double(result.x.reduce(0, +)) / Double(instance.frames)
                    }
                    means.append(loss / Double(runs))
                    csv.append([name, power, solver.rawValue, loss / Double(runs), images / Double(runs)])
                }
                let apo = means[Self.solvers.firstIndex(of: .apo)!], robogs = means[Self.solvers.firstIndex(of: .robogs)!]
                let reduction = String(format: "%.1f %%", 100 * (1 - apo / robogs))
                comparison.append([name, power] as [CustomStringConvertible] + means.map { $0 as CustomStringConvertible } + [reduction], digits: 4)
            }
            print("memory \(name) done")
        }
        markdown += "### L_t distribution\n\n" + distribution.markdown + "\n### Mean loss per scheme, K_Ric = 0 dB\n\n" + comparison.markdown
        let directory = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try csv.write(to: directory, name: "memory")
        try markdown.write(to: directory.appendingPathComponent("memory.md"), atomically: true, encoding: .utf8)
        print(markdown)
    }
}
