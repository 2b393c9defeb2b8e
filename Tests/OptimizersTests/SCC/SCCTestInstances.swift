import SeededRandom
@testable import Optimizers

/// Instances shared by the SCC tests.
enum SCCTestInstances {
    /// Two users, two spaces, two MECs, with costs chosen so that every term of T and E is a
    /// different round number and every asymmetric matrix would give a different total if it
    /// were indexed the wrong way round. The assignment `handAssignment` is worked out by hand
    /// in `SCCEvaluationTests`.
    static func hand(cache: [Double] = [3, 5], tasks: [Int] = [1, 2]) throws -> SCCInstance {
        try SCCInstance(
            localMEC: [0, 1],
            probability: [[0.5, 0.25], [0.5, 0]],
            cacheBytes: [3, 2], maintenanceEnergy: [1, 2], flops: [8, 4], frameBits: [2, 4],
            mecCacheBytes: cache, mecFrequency: [2, 4], mecMaxTasks: tasks,
            syncLatency: [[0, 3], [3, 0]], syncEnergy: [[0, 5], [5, 0]],
            sensorLatency: [[0, 0.1], [0.2, 0]], sensorEnergy: [[0, 0.3], [0.4, 0]],
            frameLatencyPerBit: [[0, 0.01], [0.02, 0]], frameEnergyPerBit: [[0, 0.03], [0.04, 0]],
            deviceLatencyPerBit: [0.5, 0.25], deviceEnergyPerBit: [0.1, 0.2], kappa: 0.5)
    }

    /// user 0: v0 on its local MEC 0, v1 on MEC 1; user 1 (never in v1): v0 on its local MEC 1.
    static let handAssignment = [[0, 1], [1, -1]]

    /// Cells of a small city, computed once (the exhaustive tests draw hundreds of instances).
    static let tinyCells = SCCCity.california.cells(seed: 3)

    /// A tiny generated instance (≤ 6 pairs, 2–3 MECs) whose cache and task limits bind, so
    /// that the exhaustive tests exercise infeasible branches.
    static func tiny(seed: UInt64) throws -> SCCInstance {
        var generator = SeededGenerator(seed: seed)
        var scenario = SCCScenario()
        scenario.users = Int.random(in: 2...3, using: &generator)
        scenario.spaces = 2
        scenario.mecs = Int.random(in: 2...3, using: &generator)
        scenario.spacesPerUser = 1...2
        scenario.cacheLevelsGB = [6, 9, 12]
        scenario.taskSlack = 0.8...1.6
        return try scenario.network(seed: seed, cells: tinyCells).instance
    }

    /// A small generated instance (fast enough for every solver in a debug build).
    static func small(seed: UInt64, city: SCCCity = .california) throws -> SCCInstance {
        var scenario = SCCScenario()
        scenario.city = city
        scenario.users = 24
        scenario.spaces = 5
        scenario.mecs = 6
        return try scenario.network(seed: seed, cells: city == .california ? tinyCells : virginiaCells).instance
    }

    static let virginiaCells = SCCCity.virginia.cells(seed: 3)

    /// Every (T, E) of a feasible assignment, by plain enumeration of M^pairs genomes and the
    /// instance's reference formulas (not the evaluator the solvers use).
    static func bruteForceFront(_ instance: SCCInstance) throws -> [SCCObjectives] {
        let pairs = instance.activePairs, mecs = instance.mecCount
        var points: [SCCObjectives] = []
        var genome = [Int](repeating: 0, count: pairs.count)
        while true {
            var assign = Array(repeating: Array(repeating: -1, count: instance.spaceCount), count: instance.userCount)
            for (p, pair) in pairs.enumerated() { assign[pair.user][pair.space] = genome[p] }
            if try instance.feasibility(assign).isFeasible {
                let cost = try instance.breakdown(assign)
                points.append(SCCObjectives(latency: cost.latency, energy: cost.energy))
            }
            var k = 0
            while k < genome.count && genome[k] == mecs - 1 {
                genome[k] = 0
                k += 1
            }
            if k == genome.count { break }
            genome[k] += 1
        }
        return Pareto.nonDominatedIndices(points).map { points[$0] }
    }

    /// True when the two fronts hold the same points up to a relative 1e-9.
    static func sameFront(_ a: [SCCObjectives], _ b: [SCCObjectives]) -> Bool {
        func close(_ x: Double, _ y: Double) -> Bool { abs(x - y) <= 1e-9 * max(abs(x), abs(y), 1e-300) }
        let sa = a.sorted { $0.latency < $1.latency }, sb = b.sorted { $0.latency < $1.latency }
        return sa.count == sb.count && zip(sa, sb).allSatisfy { close($0.latency, $1.latency) && close($0.energy, $1.energy) }
    }
}
