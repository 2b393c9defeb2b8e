import ArgumentParser
import Foundation
import Optimizers

/// `gs-lab solve --instance I.json --solver NAME [--out R.json]`: runs any registered solver on
/// an instance file of any problem; ``SolverRegistry`` dispatches on the instance's `"problem"` key.
struct SolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solve",
        abstract: "Solve an instance file (SPEC appendix JSON) with a named solver; print or write the result JSON.")

    @Option(help: "Instance JSON file.")
    var instance: String

    @Option(
        help:
            "Solver name (gsclo: \(GSCLOSolverName.allCases.map(\.rawValue).joined(separator: ", ")); irac: \(IRACSolverName.allCases.map(\.rawValue).joined(separator: ", ")); sttgs: \(STTGSSolverName.allCases.map(\.rawValue).joined(separator: ", ")); scc: \(SCCSolverName.allCases.map(\.rawValue).joined(separator: ", ")))."
    )
    var solver: String

    @Option(help: "Write the result JSON here instead of standard output.")
    var out: String?

    @OptionGroup var tuning: SolverTuningOptions

    func run() throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: instance))
        } catch {
            throw OptimizerError(.badFile, "cannot read instance file '\(instance)': \(error.localizedDescription)")
        }
        let result = try tuning.registry().solve(json: data, solver: solver)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let output = try encoder.encode(result)
        if let out {
            try output.write(to: URL(fileURLWithPath: out))
        } else {
            print(String(decoding: output, as: UTF8.self))
        }
    }
}

/// Solver tuning shared by the problems' solvers (each problem reads the knobs it has).
struct SolverTuningOptions: ParsableArguments {
    @Option(help: "Penalty parameter β (default: scale-free rule, see docs/GSMR.md).")
    var beta: Double?

    @Option(help: "Relative penalty weight ρ of the default β (1/β = ρ·mean(L)/T); ignored when --beta is given.")
    var penaltyScale: Double = 0.1

    @Option(help: "Growth factor of 1/β per DC iteration (1 = fixed β as in the paper).")
    var penaltyGrowth: Double = 1

    @Option(help: "DC stopping tolerance on ‖Δx‖.")
    var tolerance: Double = 1e-4

    @Option(help: "DC iteration cap.")
    var maxIterations: Int = 200

    @Option(help: "Local-search moves (BILS, Search).")
    var searchIterations: Int = 1000

    @Option(help: "Branch-and-bound node cap of exact solvers (beyond it they fail rather than guess).")
    var exactNodeLimit: Int = 50_000_000

    @Option(help: "Seed of randomised solvers (BILS, Search moves, SCC random/nsga2/moead).")
    var solverSeed: UInt64 = 1

    @Option(help: "ILO model file for --solver ilo (default: the model shipped with Optimizers).")
    var model: String?
}
