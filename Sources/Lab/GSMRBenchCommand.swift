import ArgumentParser
import Foundation
import Optimizers

/// `gs-lab bench gsmr`: wall time of APO and the exact solver on paper-setting instances at
/// T = 288 and T = 10,000 (run it from a release build).
struct GSMRBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gsmr",
        abstract: "Benchmark the GSMR solvers (apo, exact, ...) at T = 288 and 10,000 frames.")

    @OptionGroup var source: GSMRSourceOptions

    @Option(help: "Comma-separated frame counts.")
    var sizes: String = "288,10000"

    @Option(help: "Comma-separated solvers.")
    var solvers: String = "apo,exact,ranking,search"

    @Option(help: "Power budgets in mW.")
    var powersMw: String = "5,10,40"

    @Option(help: "Rician K-factor in dB.")
    var kDb: Double = 0

    @Option(help: "Instances (runs) per size and budget; each solver is timed once per instance after a warm-up.")
    var runs: Int = 10

    func run() throws {
        print("| T | P (mW) | solver | min (ms) | median (ms) | p90 (ms) | max (ms) | mean iterations |")
        print("|---|---|---|---|---|---|---|---|")
        for frames in try parseList(sizes).map(Int.init) {
            for power in try parseList(powersMw) {
                var options = source
                options.frames = frames
                let scenario = options.scenario(powerMilliwatts: power, kFactorDB: kDb)
                let instances = try (0..<runs).map { try scenario.instance(run: $0, losses: options.lossSource) }
                for solver in try solvers.split(separator: ",").map({ try GSCLOSolverName(validating: String($0)) }) {
                    _ = try GSCLOSolver.solve(instances[0], with: solver)  // warm-up
                    var times: [Double] = [], iterations = 0
                    for instance in instances {
                        let stopwatch = Stopwatch()
                        let result = try GSCLOSolver.solve(instance, with: solver)
                        times.append(stopwatch.elapsedSeconds * 1e3)
                        iterations += result.iterations
                    }
                    times.sort()
                    let p90 = times[min(times.count - 1, Int(0.9 * Double(times.count)))]
                    print(
                        String(
                            format: "| %d | %g | %@ | %.3f | %.3f | %.3f | %.3f | %.1f |", frames, power, solver.rawValue,
                            times[0], times[times.count / 2], p90, times.last!, Double(iterations) / Double(runs)))
                }
            }
        }
    }
}

/// Parses "5,10,20" into numbers, rejecting anything else with a clear message.
func parseList(_ text: String) throws -> [Double] {
    try text.split(separator: ",").map { item in
        guard let value = Double(item.trimmingCharacters(in: .whitespaces)), value.isFinite else {
            throw ValidationError("'\(item)' is not a number in the list '\(text)'")
        }
        return value
    }
}
