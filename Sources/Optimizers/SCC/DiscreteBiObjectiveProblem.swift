import SeededRandom

/// A bi-objective minimisation problem over integer genomes (gene g takes a value in
/// 0..<`choices(of: g)`), with a repair that maps any genome to a feasible one. NSGA-II and
/// MOEA/D run on this protocol, so they are tested on textbook problems whose fronts are known
/// as well as on SCC.
public protocol DiscreteBiObjectiveProblem: Sendable {
    /// Number of genes.
    var geneCount: Int { get }
    /// Number of values gene `gene` may take.
    func choices(of gene: Int) -> Int
    /// The objectives (both minimised) of a feasible genome.
    func objectives(_ genome: [Int]) -> SCCObjectives
    /// A feasible genome close to `genome` (keeping as many genes as it can), or nil when the
    /// repair fails.
    func repair(_ genome: [Int], using generator: inout SeededGenerator) -> [Int]?
    /// Positive scales of the two objectives, used where objectives are combined (MOEA/D's
    /// Tchebycheff function), so that the result does not depend on units.
    var objectiveScale: SCCObjectives { get }
}

extension DiscreteBiObjectiveProblem {
    /// A uniformly random genome passed through the repair.
    public func randomFeasible(using generator: inout SeededGenerator) -> [Int]? {
        repair((0..<geneCount).map { Int.random(in: 0..<choices(of: $0), using: &generator) }, using: &generator)
    }

    /// `size` random feasible genomes: the starting population of NSGA-II and MOEA/D. When the
    /// repair keeps failing (20 tries per member), the population is filled with copies of the
    /// members found; with none at all it throws `.infeasible`.
    public func randomFeasiblePopulation(size: Int, using generator: inout SeededGenerator) throws -> [[Int]] {
        var population: [[Int]] = []
        for _ in 0..<(20 * size) where population.count < size {
            if let genome = randomFeasible(using: &generator) { population.append(genome) }
        }
        guard !population.isEmpty else {
            throw OptimizerError(.infeasible, "no feasible assignment found by the greedy repair")
        }
        let found = population.count
        while population.count < size { population.append(population[population.count % found]) }
        return population
    }

    /// Uniform crossover of two parents, then random-reset mutation of each gene with
    /// probability `mutationRate`, then repair (nil if the repair fails).
    func offspring(
        _ first: [Int], _ second: [Int], mutationRate: Double, using generator: inout SeededGenerator
    ) -> [Int]? {
        var child = first
        for gene in 0..<geneCount {
            if generator.nextUnit() < 0.5 { child[gene] = second[gene] }
            if generator.nextUnit() < mutationRate { child[gene] = Int.random(in: 0..<choices(of: gene), using: &generator) }
        }
        return repair(child, using: &generator)
    }
}

/// SCC problem P1 seen as a genome problem: one gene per active (user, space) pair, valued by
/// the computing MEC; repair is the greedy feasibility projection of `SCCRepair`.
public struct SCCGenomeProblem: DiscreteBiObjectiveProblem {
    /// The evaluator of the instance.
    public let evaluator: SCCEvaluator

    /// The problem of `evaluator`'s instance.
    public init(_ evaluator: SCCEvaluator) { self.evaluator = evaluator }

    public var geneCount: Int { evaluator.pairCount }
    public func choices(of gene: Int) -> Int { evaluator.mecCount }
    public func objectives(_ genome: [Int]) -> SCCObjectives { evaluator.objectives(genome) }
    public func repair(_ genome: [Int], using generator: inout SeededGenerator) -> [Int]? {
        SCCRepair.project(genome, evaluator, using: &generator)
    }
    public var objectiveScale: SCCObjectives { evaluator.reference }
}
