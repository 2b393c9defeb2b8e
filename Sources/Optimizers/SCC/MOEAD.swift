import SeededRandom

/// MOEA/D with Tchebycheff decomposition (Zhang and Li 2007), the paper's baseline (ii): N
/// evenly spread weight vectors, each a scalar subproblem g(x | λ, z*) = max_j λ_j |f_j − z*_j| /
/// s_j over the objectives scaled by the problem's `objectiveScale`; each generation every
/// subproblem breeds a child from two neighbours (the T closest weight vectors), updates the
/// ideal point z*, and replaces every neighbour the child improves. The answer is the external
/// population: every non-dominated solution seen.
public struct MOEAD: Sendable {
    /// Number of subproblems N (weight vectors).
    public var subproblems = 100
    /// Neighbourhood size T.
    public var neighbours = 10
    /// Generations.
    public var generations = 1000
    /// Per-gene mutation probability; nil means 1 / genes.
    public var mutationRate: Double?
    /// Seed of every random choice.
    public var seed: UInt64 = 1
    /// Feasible genomes offered to every subproblem at the start, each kept where it improves
    /// the subproblem's Tchebycheff value (e.g. the Weight-Greedy answers); empty, the default,
    /// is the published algorithm.
    public var initialGenomes: [[Int]] = []

    /// Default settings.
    public init() {}

    /// The weight vectors (λ_T, λ_E), λ_T = i/(N−1); zero weights are lifted to 10⁻⁶ so that
    /// the extreme subproblems still break ties in the other objective.
    public func weights() -> [(Double, Double)] {
        let n = max(subproblems, 2)
        return (0..<n).map { i in
            let w = Double(i) / Double(n - 1)
            return (max(w, 1e-6), max(1 - w, 1e-6))
        }
    }

    /// The external population; throws `.infeasible` when no feasible genome can be built.
    public func run<Problem: DiscreteBiObjectiveProblem>(_ problem: Problem) throws -> ParetoArchive {
        var generator = SeededGenerator(seed: seed)
        let rate = mutationRate ?? 1 / Double(max(problem.geneCount, 1))
        let lambda = weights()
        let n = lambda.count
        // Neighbourhoods: the T nearest weight vectors (Euclidean), each including itself.
        let neighbourhood = (0..<n).map { i in
            (0..<n).sorted {
                let a = (lambda[$0].0 - lambda[i].0, lambda[$0].1 - lambda[i].1)
                let b = (lambda[$1].0 - lambda[i].0, lambda[$1].1 - lambda[i].1)
                return (a.0 * a.0 + a.1 * a.1, $0) < (b.0 * b.0 + b.1 * b.1, $1)
            }.prefix(max(min(neighbours, n), 2)).map { $0 }
        }
        var population = try problem.randomFeasiblePopulation(size: n, using: &generator)
        var points = population.map(problem.objectives)
        var ideal = SCCObjectives(
            latency: points.map(\.latency).min() ?? 0, energy: points.map(\.energy).min() ?? 0)
        let scale = problem.objectiveScale
        func tchebycheff(_ f: SCCObjectives, _ w: (Double, Double)) -> Double {
            max(w.0 * abs(f.latency - ideal.latency) / scale.latency, w.1 * abs(f.energy - ideal.energy) / scale.energy)
        }
        for genome in initialGenomes {
            let f = problem.objectives(genome)
            ideal = SCCObjectives(latency: min(ideal.latency, f.latency), energy: min(ideal.energy, f.energy))
            for j in 0..<n where tchebycheff(f, lambda[j]) < tchebycheff(points[j], lambda[j]) {
                population[j] = genome
                points[j] = f
            }
        }
        var archive = ParetoArchive()
        for (genome, point) in zip(population, points) { archive.insert(point, genome: genome) }
        for genome in initialGenomes { archive.insert(problem.objectives(genome), genome: genome) }
        for _ in 0..<generations {
            for i in 0..<n {
                let mates = neighbourhood[i]
                let a = mates[Int.random(in: 0..<mates.count, using: &generator)]
                let b = mates[Int.random(in: 0..<mates.count, using: &generator)]
                guard let child = problem.offspring(population[a], population[b], mutationRate: rate, using: &generator)
                else { continue }
                let f = problem.objectives(child)
                ideal = SCCObjectives(latency: min(ideal.latency, f.latency), energy: min(ideal.energy, f.energy))
                for j in mates where tchebycheff(f, lambda[j]) <= tchebycheff(points[j], lambda[j]) {
                    population[j] = child
                    points[j] = f
                }
                archive.insert(f, genome: child)
            }
        }
        return archive
    }
}
