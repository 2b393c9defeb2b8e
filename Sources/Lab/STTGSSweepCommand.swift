import ArgumentParser
import Foundation
import Optimizers

/// `gs-lab sttgs sweep`: the paper's STT-GS experiments on generated instances → CSV files and
/// a markdown summary (`sttgs-sweep.md`) in the output directory.
struct STTGSSweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "FDC vs random vs uniform, PTTM vs equal power, selection vs budgets, PAMM convergence, solve time vs K.")

    @Option(help: "Output directory.") var out = "results/sttgs"
    @Option(help: "Seeds (instances) per point.") var seeds = 10
    @Option(help: "Client counts of the timing sweep.") var sizes = "5,11,18,30,50,100"
    @Option(help: "Node limit of `exact` in the timing sweep.") var exactNodeLimit = 2_000_000

    func run() throws {
        let directory = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let counts = try sizes.split(separator: ",").map { part -> Int in
            guard let k = Int(part), k >= 1 else { throw ValidationError("bad size '\(part)'") }
            return k
        }
        var summary = "# STT-GS sweep (`gs-lab sttgs sweep --seeds \(seeds) --sizes \(sizes)`)\n\n"
        let experiments: [(String, String, () throws -> STTGSTable)] = [
            ("fdc", "Loss prediction error vs sampling ratio (Table III / Fig. 5)", { try fdcExperiment() }),
            ("pttm", "Pilot time: PTTM vs equal power (Fig. 9)", { try pilotExperiment() }),
            ("selection_power", "Selection vs P_sum (Fig. 15)", { try selectionExperiment(varying: .power) }),
            ("selection_time", "Selection vs T (Fig. 16)", { try selectionExperiment(varying: .time) }),
            ("pamm_convergence", "PAMM convergence, K = 5, seed 1 (Fig. 10)", { try convergenceExperiment() }),
            ("solve_time", "Solve time vs K (Fig. 4)", { try timingExperiment(counts) }),
        ]
        for (name, title, experiment) in experiments {
            let table = try experiment()
            try table.write(to: directory, name: name)
            summary += "## \(title)\n\n`\(name).csv`\n\n" + table.markdown + "\n"
            print("wrote \(name).csv")
        }
        try summary.write(to: directory.appendingPathComponent("sttgs-sweep.md"), atomically: true, encoding: .utf8)
    }
}
