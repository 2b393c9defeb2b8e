import ArgumentParser
import Foundation
import Optimizers

/// `gs-lab bench sttgs`: PAMM and exact solve time vs K on paper-setting instances (release
/// build), with PAMM's objective relative to the optimum.
struct STTGSBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sttgs",
        abstract: "Benchmark STT-GS PAMM and exact: time vs K and PAMM/exact objective ratio.")

    @Option(help: "Client counts.") var sizes = "5,8,10,12,15,18,20,24"
    @Option(help: "Instances (seeds) per K.") var seeds = 10
    @Option(help: "Write the markdown table here as well as printing it.") var out: String?
    @Option(help: "PAMM's largest extrapolation factor (0 = plain Algorithm 3).") var maxExtrapolation = PAMM.Options().maxExtrapolation

    func run() throws {
        var table = STTGSTable([
            "K", "instances", "pamm_median_ms", "pamm_max_ms", "pamm_raw_median_ms",
            "exact_median_ms", "exact_max_ms", "exact_nodes_median",
            "pamm/exact_mean", "pamm/exact_min", "raw_pamm/exact_mean",
            "pamm_outer_median", "pamm_outer_max", "newton_per_outer",
        ])
        for part in sizes.split(separator: ",") {
            guard let k = Int(part), k >= 1 else { throw ValidationError("bad size '\(part)'") }
            var pammTimes: [Double] = [], rawTimes: [Double] = [], exactTimes: [Double] = [], nodes: [Double] = []
            var ratios: [Double] = [], rawRatios: [Double] = []
            var outer: [Double] = [], newtonPerOuter: [Double] = []
            for seed in 1...UInt64(seeds) {
                let scenario = STTGSScenario(clients: k, seed: seed)
                guard let problem = try? scenario.generate(datasets: scenario.syntheticDatasets()).instance.stageTwo() else { continue }
                var clock = Stopwatch()
                let pamm = try PAMM(options: PAMM.Options(maxExtrapolation: maxExtrapolation)).solve(problem)
                pammTimes.append(clock.elapsedSeconds)
                outer.append(Double(pamm.iterations))
                newtonPerOuter.append(Double(pamm.newtonSteps) / Double(pamm.iterations))
                clock = Stopwatch()
                let raw = try PAMM(options: PAMM.Options(polishPasses: 0, maxExtrapolation: maxExtrapolation)).solve(problem)
                rawTimes.append(clock.elapsedSeconds)
                clock = Stopwatch()
                let exact = try ExactSelection().solve(problem)
                exactTimes.append(clock.elapsedSeconds)
                nodes.append(Double(exact.nodes))
                if exact.objective > 0 {
                    ratios.append(problem.objective(pamm.x) / exact.objective)
                    rawRatios.append(problem.objective(raw.x) / exact.objective)
                }
            }
            table.append(
                [
                    k, pammTimes.count, pammTimes.median * 1e3, (pammTimes.max() ?? .nan) * 1e3, rawTimes.median * 1e3,
                    exactTimes.median * 1e3, (exactTimes.max() ?? .nan) * 1e3, nodes.median,
                    ratios.mean, ratios.min() ?? .nan, rawRatios.mean,
                    outer.median, outer.max() ?? .nan, newtonPerOuter.mean,
                ], digits: 4)
            print(table.markdown.split(separator: "\n").last!)
        }
        print(table.markdown)
        if let out { try table.markdown.write(toFile: out, atomically: true, encoding: .utf8) }
    }
}
