import Foundation

import SeededRandom

/// The SCC solvers selectable by name (`gs-lab solve --solver NAME`, `gs-lab scc sweep`).
public enum SCCSolverName: String, SolverName, Codable {
    /// Feasible assignments drawn uniformly at random (paper baseline v), non-dominated kept.
    case random
    /// Greedy on w·T̂ + (1−w)·Ê over a grid of w (paper baseline iv).
    case weightgreedy
    /// NSGA-II (paper baseline iii).
    case nsga2
    /// MOEA/D with Tchebycheff decomposition (paper baseline ii).
    case moead
    /// The exact front by branch and bound for tiny instances; for larger ones the exact
    /// weighted-sum optima over the weight grid (the front's supported points).
    case exact
    /// MO-CMPO, the paper's learned solver: consistency model + PPO over a preference-weight grid.
    case mocmpo
}

/// Settings a caller may pass to any SCC solver; each solver reads what concerns it.
public struct SCCSolverOptions: Sendable {
    /// Random's number of draws.
    public var randomSamples = 1000
    /// The weight grid of Weight-Greedy and of the weighted exact solver: w = k / (points − 1).
    public var weightPoints = 21
    /// NSGA-II's settings.
    public var nsga2 = NSGA2()
    /// MOEA/D's settings.
    public var moead = MOEAD()
    /// Branch-and-bound settings.
    public var exact = SCCExact()
    /// MO-CMPO's settings (model, weight grid, samples, seed).
    public var mocmpo = MOCMPO()
    /// `exact` enumerates the whole front when M^pairs is at most this; above it, it returns
    /// the weighted-sum optima.
    public var exactFrontSpace = 1e7
    /// Seed of Random (NSGA-II and MOEA/D carry their own).
    public var seed: UInt64 = 1
    /// Start NSGA-II and MOEA/D from Weight-Greedy's answers as well as random genomes (a
    /// departure from the published algorithms; off by default).
    public var seedWithWeightGreedy = false

    /// Default options.
    public init() {}

    /// The weight grid, ascending from 0 (energy only) to 1 (latency only).
    public var weightGrid: [Double] {
        let n = max(weightPoints, 2)
        return (0..<n).map { Double($0) / Double(n - 1) }
    }
}

/// Runs SCC solvers by name and packs their fronts into result records.
public enum SCCSolvers: SolverFamily {
    public typealias Instance = SCCInstance
    public typealias Name = SCCSolverName
    public typealias Options = SCCSolverOptions

    /// Solves `instance` with `name`: the front with every point's objectives and feasibility
    /// recomputed from the instance's own formulas, and the wall time.
    public static func solve(
        _ instance: SCCInstance, with name: SCCSolverName, options: SCCSolverOptions = SCCSolverOptions()
    ) throws(OptimizerError) -> SCCResult {
        try OptimizerError.catching { try run(name, on: instance, options: options) }
    }

    private static func run(_ name: SCCSolverName, on instance: SCCInstance, options: SCCSolverOptions) throws -> SCCResult {
        let clock = Stopwatch()
        let evaluator = SCCEvaluator(instance)
        let archive = try front(evaluator, with: name, options: options)
        let time = clock.elapsedSeconds
        let points = try archive.sorted.map { member -> SCCFrontPoint in
            let assign = evaluator.assignment(member.genome)
            let cost = try instance.breakdown(assign)
            return SCCFrontPoint(
                assign: assign, latency: cost.latency, energy: cost.energy,
                feasible: try instance.feasibility(assign).isFeasible)
        }
        return SCCResult(solver: name.rawValue, timeSeconds: time, front: points)
    }

    /// The Pareto archive solver `name` finds (every member feasible).
    public static func front(
        _ evaluator: SCCEvaluator, with name: SCCSolverName, options: SCCSolverOptions = SCCSolverOptions()
    ) throws -> ParetoArchive {
        let problem = SCCGenomeProblem(evaluator)
        var archive = ParetoArchive()
        switch name {
        case .random:
            var generator = SeededGenerator(seed: options.seed)
            for _ in 0..<options.randomSamples {
                if let genome = problem.randomFeasible(using: &generator) {
                    archive.insert(evaluator.objectives(genome), genome: genome)
                }
            }
        case .weightgreedy:
            for w in options.weightGrid {
                if let genome = SCCRepair.greedy(evaluator, latencyWeight: w) {
                    archive.insert(evaluator.objectives(genome), genome: genome)
                }
            }
        case .nsga2, .moead:
            let seeds =
                options.seedWithWeightGreedy
                ? options.weightGrid.compactMap { SCCRepair.greedy(evaluator, latencyWeight: $0) } : []
            if name == .nsga2 {
                var nsga2 = options.nsga2
                nsga2.initialGenomes = seeds
                archive = try nsga2.run(problem)
            } else {
                var moead = options.moead
                moead.initialGenomes = seeds
                archive = try moead.run(problem)
            }
        case .mocmpo:
            archive = try options.mocmpo.run(evaluator)
        case .exact:
            let space = pow(Double(evaluator.mecCount), Double(evaluator.pairCount))
            if space <= options.exactFrontSpace { return try options.exact.front(evaluator) }
            for w in options.weightGrid {
                let start = SCCRepair.greedy(evaluator, latencyWeight: w)
                if let best = try options.exact.minimiseWeighted(evaluator, latencyWeight: w, incumbent: start) {
                    archive.insert(evaluator.objectives(best.genome), genome: best.genome)
                }
            }
        }
        guard !archive.points.isEmpty else {
            throw OptimizerError(.infeasible, "\(name.rawValue) found no feasible SCC assignment")
        }
        return archive
    }
}

/// One point of a result front (SPEC appendix).
public struct SCCFrontPoint: Sendable, Codable, Equatable {
    /// assign[u][v]: the computing MEC, −1 where q = 0.
    public var assign: [[Int]]
    /// T in seconds.
    public var latency: Double
    /// E in joules.
    public var energy: Double
    /// Whether the assignment meets every constraint.
    public var feasible: Bool

    enum CodingKeys: String, CodingKey {
        case assign, feasible
        case latency = "T_s"
        case energy = "E_J"
    }

    /// (T, E).
    public var objectives: SCCObjectives { SCCObjectives(latency: latency, energy: energy) }
}

/// The result of `gs-lab solve` on an SCC instance: `{"solver", "time_s", "front"}`.
public struct SCCResult: Sendable, Codable, Equatable, SolverSolution {
    /// The solver's name.
    public var solver: String
    /// Wall time of the search (s), excluding the final re-check of the front.
    public var timeSeconds: Double
    /// The front, by ascending T.
    public var front: [SCCFrontPoint]

    enum CodingKeys: String, CodingKey {
        case solver, front
        case timeSeconds = "time_s"
    }
}
