import SeededRandom
import Testing
@testable import Optimizers

/// NSGA-II and MOEA/D on a discrete Schaffer problem (Schaffer's f1 = x², f2 = (x − 2)² summed
/// over n integer variables x_i ∈ {−1, …, 4}), whose front is enumerated exactly.
@Suite("Evolutionary algorithms on a known front")
struct EvolutionaryFrontTests {
    struct DiscreteSchaffer: DiscreteBiObjectiveProblem {
        var geneCount = 4
        func choices(of gene: Int) -> Int { 6 }
        func objectives(_ genome: [Int]) -> SCCObjectives {
            let x = genome.map { Double($0 - 1) }
            return SCCObjectives(
                latency: x.reduce(0) { $0 + $1 * $1 }, energy: x.reduce(0) { $0 + ($1 - 2) * ($1 - 2) })
        }
        func repair(_ genome: [Int], using generator: inout SeededGenerator) -> [Int]? { genome }
        var objectiveScale: SCCObjectives { SCCObjectives(latency: 36, energy: 36) }

        /// The true front by enumerating all 6⁴ genomes.
        func enumeratedFront() -> [SCCObjectives] {
            var points: [SCCObjectives] = []
            for code in 0..<1296 {
                points.append(objectives((0..<4).map { code / [1, 6, 36, 216][$0] % 6 }))
            }
            return Pareto.nonDominatedIndices(points).map { points[$0] }
        }
    }

    /// With c_k variables equal to k ∈ {0, 1, 2} (other values are dominated), f = (c1 + 4c2,
    /// 4c0 + c1): as many 1s as possible, then the rest all 0 or all 2 — nine points.
    @Test func theEnumeratedFrontIsTheKnownOne() {
        let expected: [(Double, Double)] = [(0, 16), (1, 13), (2, 10), (3, 7), (4, 4), (7, 3), (10, 2), (13, 1), (16, 0)]
        #expect(DiscreteSchaffer().enumeratedFront() == expected.map { SCCObjectives(latency: $0.0, energy: $0.1) })
    }

    @Test(arguments: ["nsga2", "moead"])
    func recoversTheFront(algorithm: String) throws {
        let problem = DiscreteSchaffer()
        var nsga2 = NSGA2(), moead = MOEAD()
        (nsga2.populationSize, nsga2.generations) = (40, 60)
        (moead.subproblems, moead.generations) = (40, 60)
        let found = try algorithm == "nsga2" ? nsga2.run(problem) : moead.run(problem)
        #expect(SCCTestInstances.sameFront(found.points, problem.enumeratedFront()))
    }

    /// MOEA/D's weights are evenly spread with the extremes lifted off zero.
    @Test func moeadWeights() {
        var moead = MOEAD()
        moead.subproblems = 5
        let w = moead.weights()
        #expect(w.count == 5 && w[2] == (0.5, 0.5) && w[0] == (1e-6, 1) && w[4] == (1, 1e-6))
    }
}
