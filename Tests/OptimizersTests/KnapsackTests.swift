import Foundation
import Optimizers
import SeededRandom
import Testing

@Suite struct KnapsackTests {
    /// Plain enumeration of all 2ⁿ subsets: the independent reference.
    static func bruteForce(_ v: [Double], _ w: [Double], _ capacity: Double, _ maxItems: Int?) -> Double {
        var best = 0.0
        for mask in 0..<(1 << v.count) {
            var value = 0.0, weight = 0.0, count = 0
            for i in v.indices where mask & (1 << i) != 0 {
                value += v[i]
                weight += w[i]
                count += 1
            }
            if weight <= capacity, count <= (maxItems ?? v.count) { best = max(best, value) }
        }
        return best
    }

    @Test(arguments: [nil, 1, 3, 6] as [Int?])
    func matchesBruteForceOnRandomInstances(maxItems: Int?) throws {
        var generator = SeededGenerator(seed: 77)
        for trial in 0..<300 {
            let n = 1 + trial % 14
            let v = (0..<n).map { _ in generator.nextUnit() < 0.1 ? 0 : generator.nextUnit() }
            // Mix of tiny, zero and large weights to exercise the bound and the ordering.
            let w = (0..<n).map { _ in
                generator.nextUnit() < 0.1 ? 0 : pow(10, generator.nextUniform(in: -2..<1))
            }
            let capacity = generator.nextUniform(in: 0..<Double(n))
            let problem = try Knapsack(values: v, weights: w, capacity: capacity, maxItems: maxItems)
            let solution = problem.solve()
            let reference = Self.bruteForce(v, w, capacity, maxItems)
            #expect(solution.provenOptimal)
            #expect(abs(solution.value - reference) <= 1e-12 * max(1, reference), "trial \(trial)")
            // The reported set is feasible and worth what it claims.
            let chosen = v.indices.filter { solution.chosen[$0] }
            #expect(chosen.map { w[$0] }.reduce(0, +) <= capacity * (1 + 1e-12) + 1e-15)
            #expect(chosen.count <= (maxItems ?? n))
            #expect(abs(chosen.map { v[$0] }.reduce(0, +) - solution.value) < 1e-12)
        }
    }

    /// Ties everywhere (small integer values and weights, so sums are exact and many subsets
    /// are worth the same or weigh the same) and nearly equal weights (1 ± 3 %, the regime of
    /// GSMR at K_Ric = 30 dB), with and without a cardinality limit: 4 × 2 × 150 instances.
    @Test(arguments: [nil, 1, 3, 6] as [Int?])
    func matchesBruteForceOnTiesAndNearlyEqualWeights(maxItems: Int?) throws {
        var generator = SeededGenerator(seed: 78)
        for nearlyEqual in [false, true] {
            for trial in 0..<150 {
                let n = 1 + trial % 14
                let v = (0..<n).map { _ in
                    nearlyEqual ? generator.nextUniform(in: 0.01..<0.1) : Double(Int(generator.next() % 4))
                }
                let w = (0..<n).map { _ in
                    nearlyEqual ? generator.nextUniform(in: 0.97..<1.03) : Double(Int(generator.next() % 4))
                }
                let capacity =
                    nearlyEqual
                    ? generator.nextUniform(in: 0..<Double(n)) : Double(Int(generator.next() % UInt64(2 * n + 1)))
                let solution = try Knapsack(values: v, weights: w, capacity: capacity, maxItems: maxItems).solve()
                let reference = Self.bruteForce(v, w, capacity, maxItems)
                #expect(solution.provenOptimal)
                #expect(abs(solution.value - reference) <= 1e-12 * max(1, reference), "trial \(trial)")
                let chosen = v.indices.filter { solution.chosen[$0] }
                #expect(chosen.map { w[$0] }.reduce(0, +) <= capacity * (1 + 1e-12))
                #expect(chosen.count <= (maxItems ?? n))
            }
        }
    }

    /// A node limit too small to prove optimality yields a feasible, unproven solution, and
    /// `optimum` turns that into a typed error.
    @Test func nodeLimitIsReportedNotHidden() throws {
        var generator = SeededGenerator(seed: 79)
        let v = (0..<40).map { _ in generator.nextUniform(in: 0.01..<0.1) }
        let w = (0..<40).map { _ in generator.nextUniform(in: 0.95..<1.05) }
        let problem = try Knapsack(values: v, weights: w, capacity: 17.5)
        let truncated = problem.solve(nodeLimit: 1)
        #expect(!truncated.provenOptimal)
        #expect(v.indices.filter { truncated.chosen[$0] }.map { w[$0] }.reduce(0, +) <= 17.5)
        #expect(throws: OptimizerError.self) { try problem.optimum(nodeLimit: 1, solver: "test") }
        #expect(try problem.optimum(nodeLimit: 1_000_000, solver: "test").value >= truncated.value)
    }

    /// With a cardinality limit the ratio-greedy bound alone is invalid: a light, cheap item
    /// must not hide a heavy valuable one.
    @Test func cardinalityPrefersValueOverRatio() throws {
        let problem = try Knapsack(values: [1, 10], weights: [0.01, 1], capacity: 1, maxItems: 1)
        #expect(problem.solve().chosen == [false, true])
    }

    @Test func rejectsNegativeCapacityAndBadItems() {
        #expect(throws: OptimizerError.self) { try Knapsack(values: [1], weights: [1], capacity: -1) }
        #expect(throws: OptimizerError.self) { try Knapsack(values: [.nan], weights: [1], capacity: 1) }
        #expect(throws: OptimizerError.self) { try Knapsack(values: [1], weights: [-1], capacity: 1) }
        #expect(throws: OptimizerError.self) { try Knapsack(values: [1, 2], weights: [1], capacity: 1) }
    }
}

@Suite struct BisectionTests {
    @Test func smallestTrueFindsThreshold() {
        let t = Bisection.smallestTrue(low: 0, high: 10, tolerance: 1e-12) { $0 * $0 >= 2 }
        #expect(abs(t - 2.0.squareRoot()) < 1e-10)
    }

    @Test(arguments: [0, 1, 17, 99, 100])
    func largestTrueFindsBoundary(boundary: Int) {
        #expect(Bisection.largestTrue(low: 1, high: 100) { $0 <= boundary } == boundary)
    }
}

@Suite struct IteratedLocalSearchTests {
    /// On a separable cost with a cardinality-style feasibility rule the search must reach the
    /// optimum found by enumeration, and never accept an infeasible or worse point.
    @Test func reachesOptimumOfSmallSeparableProblem() throws {
        let weights: [Double] = [3, -2, 5, -4, 1, -1, 2, -3]
        let cost: ([Bool]) -> Double? = { x in
            x.filter { $0 }.count > 4 ? nil : zip(x, weights).map { $0 ? $1 : 0 }.reduce(0, +)
        }
        let search = IteratedLocalSearch(flipsPerMove: 1, iterations: 2000, seed: 3)
        let outcome = try search.run(start: Array(repeating: false, count: 8), cost: cost)
        #expect(outcome.cost == -10)
        #expect(cost(outcome.x) == outcome.cost)
    }

    @Test func infeasibleStartIsAnError() {
        let search = IteratedLocalSearch()
        #expect(throws: OptimizerError.self) { try search.run(start: [true]) { _ in nil } }
    }
}

@Suite struct WaterFillingTests {
    /// KKT check: active channels share one water level μ = pᵢ + σ²/gᵢ, inactive ones have
    /// σ²/gᵢ ≥ μ, and the budget is spent.
    @Test func satisfiesKKTConditions() {
        var generator = SeededGenerator(seed: 5)
        for _ in 0..<200 {
            let n = 1 + Int(generator.next() % 20)
            let gains = (0..<n).map { _ in pow(10, generator.nextUniform(in: -8..<(-4))) }
            let noise = 1e-9, budget = generator.nextUniform(in: 1e-3..<0.05)
            let p = WaterFilling.powers(gains: gains, noise: noise, budget: budget)
            #expect(abs(p.reduce(0, +) - budget) <= 1e-9 * budget)
            let levels = p.indices.filter { p[$0] > 0 }.map { p[$0] + noise / gains[$0] }
            let mu = levels.reduce(0, +) / Double(levels.count)
            for i in p.indices {
                if p[i] > 0 {
                    #expect(abs(p[i] + noise / gains[i] - mu) <= 1e-6 * mu)
                } else {
                    #expect(noise / gains[i] >= mu * (1 - 1e-6))
                }
            }
        }
    }
}
