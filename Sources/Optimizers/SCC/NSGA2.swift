import SeededRandom

/// NSGA-II (Deb, Pratap, Agarwal, Meyarivan 2002), the paper's baseline (iii), for integer
/// genomes: binary tournament on (rank, crowding), uniform crossover, random-reset mutation,
/// repair to feasibility, and elitist (μ + λ) survival by non-dominated fronts, the last front
/// cut by crowding distance. The answer is the first front of the final population.
public struct NSGA2: Sendable {
    /// Population size N.
    public var populationSize = 100
    /// Generations.
    public var generations = 1000
    /// Per-gene mutation probability; nil means 1 / genes (the usual choice).
    public var mutationRate: Double?
    /// Seed of every random choice.
    public var seed: UInt64 = 1
    /// Feasible genomes that replace random members of the starting population (e.g. the
    /// Weight-Greedy answers); empty, the default, is the published algorithm.
    public var initialGenomes: [[Int]] = []

    /// Default settings.
    public init() {}

    /// The final population's non-dominated solutions; throws `.infeasible` when no feasible
    /// starting genome can be built.
    public func run<Problem: DiscreteBiObjectiveProblem>(_ problem: Problem) throws -> ParetoArchive {
        var generator = SeededGenerator(seed: seed)
        let rate = mutationRate ?? 1 / Double(max(problem.geneCount, 1))
        var population = try problem.randomFeasiblePopulation(size: populationSize, using: &generator)
        for (k, genome) in initialGenomes.prefix(populationSize).enumerated() { population[k] = genome }
        var points = population.map(problem.objectives)
        var (rank, crowding) = Self.rankAndCrowding(points)
        for _ in 0..<generations {
            var children: [[Int]] = []
            children.reserveCapacity(populationSize)
            while children.count < populationSize {
                let a = tournament(rank, crowding, using: &generator)
                let b = tournament(rank, crowding, using: &generator)
                let child = problem.offspring(population[a], population[b], mutationRate: rate, using: &generator)
                children.append(child ?? population[a])
            }
            let merged = population + children
            let mergedPoints = points + children.map(problem.objectives)
            let survivors = Self.survivors(mergedPoints, count: populationSize)
            population = survivors.map { merged[$0] }
            points = survivors.map { mergedPoints[$0] }
            (rank, crowding) = Self.rankAndCrowding(points)
        }
        var archive = ParetoArchive()
        for (genome, point) in zip(population, points) { archive.insert(point, genome: genome) }
        return archive
    }

    /// Binary tournament: the lower rank wins, then the larger crowding distance.
    func tournament(_ rank: [Int], _ crowding: [Double], using generator: inout SeededGenerator) -> Int {
        let a = Int.random(in: 0..<rank.count, using: &generator)
        let b = Int.random(in: 0..<rank.count, using: &generator)
        if rank[a] != rank[b] { return rank[a] < rank[b] ? a : b }
        return crowding[a] >= crowding[b] ? a : b
    }

    /// Every point's front index and crowding distance within its front.
    static func rankAndCrowding(_ points: [SCCObjectives]) -> ([Int], [Double]) {
        var rank = [Int](repeating: 0, count: points.count)
        var crowding = [Double](repeating: 0, count: points.count)
        for (level, front) in Pareto.fronts(points).enumerated() {
            let distances = Pareto.crowdingDistances(points, front: front)
            for (k, index) in front.enumerated() {
                rank[index] = level
                crowding[index] = distances[k]
            }
        }
        return (rank, crowding)
    }

    /// The elitist survival of NSGA-II: whole fronts while they fit, then the most crowded-apart
    /// members of the first front that does not.
    public static func survivors(_ points: [SCCObjectives], count: Int) -> [Int] {
        var chosen: [Int] = []
        for front in Pareto.fronts(points) {
            if chosen.count + front.count <= count {
                chosen += front
                continue
            }
            let distances = Pareto.crowdingDistances(points, front: front)
            let order = front.indices.sorted { distances[$0] > distances[$1] }
            chosen += order.prefix(count - chosen.count).map { front[$0] }
            break
        }
        return chosen
    }
}
