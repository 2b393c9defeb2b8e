import ArgumentParser
import Foundation
import Optimizers
import SeededRandom

extension SCCSweepCommand {
    /// Figs. 5–6: every solver's front on each city's representative instance (CSV + SVG).
    func writeFronts(_ runs: [Run], representative: [SCCCity: (seed: UInt64, distance: Double)]) throws {
        var csv = ["city,instance_seed,solver,T_s,E_J"]
        for city in SCCCity.allCases {
            guard let chosen = representative[city] else { continue }
            var plot = SVGPlot(
                title: String(format: "Pareto fronts, %@ (instance %llu, mean inter-MEC %.1f km)", city.rawValue, chosen.seed, chosen.distance),
                xLabel: "total latency T (s)", yLabel: "total energy E (J)")
            for run in runs where run.city == city && run.instanceSeed == chosen.seed {
                plot.series.append(SVGPlot.Series(name: run.solver.rawValue, points: run.front.map { ($0.latency, $0.energy) }))
                for point in run.front {
                    csv.append("\(city.rawValue),\(chosen.seed),\(run.solver.rawValue),\(point.latency),\(point.energy)")
                }
            }
            try plot.write(to: URL(fileURLWithPath: "\(out)/fronts_\(city.rawValue).svg"))
        }
        try (csv.joined(separator: "\n") + "\n").write(toFile: "\(out)/fronts.csv", atomically: true, encoding: .utf8)
    }

    /// Fig. 7: time per instance vs number of users (California, first seed).
    func timeSweep(options: SCCSolverOptions) throws -> String {
        let counts = try timeUsers.split(separator: ",").map { text -> Int in
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)), value >= 1 else {
                throw ValidationError("--time-users: '\(text)' is not a positive count")
            }
            return value
        }
        guard !counts.isEmpty else { return "" }
        let cells = SCCCity.california.cells(seed: scenario.citySeed)
        var csv = ["users,solver,time_s,cpu_s"]
        var times: [SCCSolverName: [(Double, Double)]] = [:], cpuTimes: [SCCSolverName: [Double]] = [:]
        for users in counts {
            var settings = scenario.scenario(city: .california)
            settings.users = users
            let instance = try settings.network(seed: seed, cells: cells).instance
            for solver in solvers {
                let cpu = ThreadCPUClock()
                let result = try SCCSolvers.solve(instance, with: solver, options: options)
                cpuTimes[solver, default: []].append(cpu.elapsedSeconds)
                times[solver, default: []].append((Double(users), result.timeSeconds))
                csv.append("\(users),\(solver.rawValue),\(result.timeSeconds),\(cpuTimes[solver]!.last!)")
            }
            print("time sweep: U = \(users) done")
        }
        try (csv.joined(separator: "\n") + "\n").write(toFile: "\(out)/time.csv", atomically: true, encoding: .utf8)
        var plot = SVGPlot(title: "Time per instance (California, M = \(scenario.mecs))", xLabel: "users |U|", yLabel: "time (s)", logY: true)
        plot.series = solvers.map { SVGPlot.Series(name: $0.rawValue, points: times[$0] ?? []) }
        try plot.write(to: URL(fileURLWithPath: "\(out)/time.svg"))
        var lines = ["Fig. 7 — wall time per instance (s) vs users, CPU time in brackets (California, seed \(seed)):", ""]
        lines.append("| users | " + solvers.map(\.rawValue).joined(separator: " | ") + " |")
        lines.append("|---" + String(repeating: "|---", count: solvers.count) + "|")
        for (k, users) in counts.enumerated() {
            lines.append(
                "| \(users) | " + solvers.map { String(format: "%.3f (%.3f)", times[$0]![k].1, cpuTimes[$0]![k]) }.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n\n"
    }

    /// One point of Fig. 8: the extreme solutions of the best front found by all solvers.
    struct OrientedPoint {
        var distance: Double
        var latencyOriented: (localRate: Double, placements: Double, T: Double, E: Double)
        var energyOriented: (localRate: Double, placements: Double, T: Double, E: Double)
    }

    /// Fig. 8: one instance (California users and spaces, seed `seed`) with its MECs moved to
    /// cells of either city, ordered by mean inter-MEC distance; the latency-oriented solution
    /// is the least-T point and the energy-oriented one the least-E point of the union of every
    /// solver's front (the paper takes MO-CMPO's w = (1, 0) and (0, 1) solutions).
    func distanceSweep(options: SCCSolverOptions) throws -> String {
        guard distanceInstances > 0 else { return "" }
        let settings = scenario.scenario(city: .california)
        let base = try settings.network(seed: seed, cells: SCCCity.california.cells(seed: scenario.citySeed)).instance
        let cellMaps = SCCCity.allCases.map { $0.cells(seed: scenario.citySeed) }
        var points: [OrientedPoint] = []
        for k in 0..<distanceInstances {
            let cells = cellMaps[k % cellMaps.count]
            var generator = SeededGenerator(seed: seed, stream: 8, index: UInt64(k))
            var indices = Array(cells.indices)
            indices.shuffle(using: &generator)
            let network = try settings.relocated(base, to: indices.prefix(base.mecCount).map { cells[$0] })
            let instance = network.instance
            let evaluator = SCCEvaluator(instance)
            var archive = ParetoArchive()
            for solver in solvers {
                let archiveOfSolver = try SCCSolvers.front(evaluator, with: solver, options: options)
                for (point, genome) in zip(archiveOfSolver.points, archiveOfSolver.genomes) { archive.insert(point, genome: genome) }
            }
            let sorted = archive.sorted
            func describe(_ member: (point: SCCObjectives, genome: [Int])) -> (Double, Double, Double, Double) {
                let assign = evaluator.assignment(member.genome)
                return (instance.localRate(assign), instance.averagePlacements(assign), member.point.latency, member.point.energy)
            }
            points.append(
                OrientedPoint(distance: network.averageDistanceKm, latencyOriented: describe(sorted.first!), energyOriented: describe(sorted.last!)))
            print(String(format: "distance sweep: %.1f km done", network.averageDistanceKm))
        }
        points.sort { $0.distance < $1.distance }
        var csv = ["mean_inter_mec_km,orientation,local_rate,placements,T_s,E_J"]
        for p in points {
            for (name, o) in [("latency", p.latencyOriented), ("energy", p.energyOriented)] {
                csv.append("\(p.distance),\(name),\(o.localRate),\(o.placements),\(o.T),\(o.E)")
            }
        }
        try (csv.joined(separator: "\n") + "\n").write(toFile: "\(out)/fig8.csv", atomically: true, encoding: .utf8)
        let panels: [(String, String, (OrientedPoint, Bool) -> Double)] = [
            ("local_rate", "local rate (eq. 36)", { $1 ? $0.latencyOriented.localRate : $0.energyOriented.localRate }),
            ("placements", "placements per space (eq. 37)", { $1 ? $0.latencyOriented.placements : $0.energyOriented.placements }),
            ("latency", "total latency T (s)", { $1 ? $0.latencyOriented.T : $0.energyOriented.T }),
            ("energy", "total energy E (J)", { $1 ? $0.latencyOriented.E : $0.energyOriented.E }),
        ]
        for (file, label, value) in panels {
            var plot = SVGPlot(title: "Fig. 8: \(label) vs mean inter-MEC distance", xLabel: "mean inter-MEC distance (km)", yLabel: label)
            plot.series = [
                SVGPlot.Series(name: "latency-oriented", points: points.map { ($0.distance, value($0, true)) }),
                SVGPlot.Series(name: "energy-oriented", points: points.map { ($0.distance, value($0, false)) }),
            ]
            try plot.write(to: URL(fileURLWithPath: "\(out)/fig8_\(file).svg"))
        }
        var lines = [
            "Fig. 8 — extremes of the union front of \(solvers.map(\.rawValue).joined(separator: ", ")) on one instance (U = \(scenario.users)) with its MECs moved (L = latency-oriented, E = energy-oriented):",
            "",
            "| mean inter-MEC (km) | local rate L | local rate E | placements L | placements E | T L (s) | T E (s) | E L (J) | E E (J) |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for p in points {
            let l = p.latencyOriented, e = p.energyOriented
            lines.append(
                String(
                    format: "| %.1f | %.3f | %.3f | %.2f | %.2f | %.2f | %.2f | %.1f | %.1f |", p.distance, l.localRate, e.localRate,
                    l.placements, e.placements, l.T, e.T, l.E, e.E))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
