import Foundation
import Optimizers

extension SCCSweepCommand {
    /// How close each solver comes to the true front, on instances small enough for `exact`
    /// to enumerate it (branch and bound): the solver's HV as a share of the exact front's,
    /// and the share of exact front points it finds. Both cities, `exactInstances` each.
    func exactComparison(options: SCCSolverOptions) throws -> String {
        guard exactInstances > 0 else { return "" }
        let heuristics = solvers.filter { $0 != .exact }
        var ratio: [SCCSolverName: [Double]] = [:], found: [SCCSolverName: [Double]] = [:]
        var csv = ["city,instance_seed,solver,hv,exact_hv,exact_points_found,exact_points"]
        var pairs = 0
        for city in SCCCity.allCases {
            var settings = scenario.scenario(city: city)
            settings.users = exactUsers
            settings.spaces = 3
            settings.mecs = 4
            let cells = city.cells(seed: scenario.citySeed)
            for k in 0..<UInt64(exactInstances) {
                let instance = try settings.network(seed: seed + k, cells: cells).instance
                let evaluator = SCCEvaluator(instance)
                pairs = max(pairs, evaluator.pairCount)
                let exact = try options.exact.front(evaluator)
                let exactHV = Pareto.normalisedHypervolume(exact.points, reference: evaluator.reference)
                for solver in heuristics {
                    let front = try SCCSolvers.front(evaluator, with: solver, options: options).points
                    let hv = Pareto.normalisedHypervolume(front, reference: evaluator.reference)
                    let hits = exact.points.filter { target in
                        front.contains {
                            abs($0.latency - target.latency) <= 1e-9 * target.latency && abs($0.energy - target.energy) <= 1e-9 * target.energy
                        }
                    }.count
                    ratio[solver, default: []].append(hv / exactHV)
                    found[solver, default: []].append(Double(hits) / Double(exact.points.count))
                    csv.append("\(city.rawValue),\(seed + k),\(solver.rawValue),\(hv),\(exactHV),\(hits),\(exact.points.count)")
                }
            }
        }
        try (csv.joined(separator: "\n") + "\n").write(toFile: "\(out)/exact.csv", atomically: true, encoding: .utf8)
        func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(max(values.count, 1)) }
        var lines = [
            "Against the exact front (branch and bound) on \(2 * exactInstances) small instances (both cities, U = \(exactUsers), V = 3, M = 4, ≤ \(pairs) pairs):",
            "",
            "| solver | HV / exact HV (mean) | worst | exact front points found |",
            "|---|---|---|---|",
        ]
        for solver in heuristics {
            lines.append(
                String(
                    format: "| %@ | %.4f | %.4f | %.1f %% |", solver.rawValue, mean(ratio[solver]!), ratio[solver]!.min()!,
                    100 * mean(found[solver]!)))
        }
        return lines.joined(separator: "\n") + "\n\n"
    }
}
