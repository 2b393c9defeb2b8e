import Foundation
import Testing
@testable import Optimizers

/// Branch and bound against plain enumeration.
@Suite("SCC exact solvers")
struct SCCExactTests {
    /// 300 tiny seeded instances: the branch-and-bound front equals the enumerated one.
    @Test(arguments: 0..<6)
    func frontEqualsBruteForce(batch: Int) throws {
        var checked = 0, withInfeasible = 0
        for seed in (batch * 50)..<((batch + 1) * 50) {
            let instance = try SCCTestInstances.tiny(seed: UInt64(seed))
            let evaluator = SCCEvaluator(instance)
            let expected = try SCCTestInstances.bruteForceFront(instance)
            let found = try SCCExact().front(evaluator)
            #expect(SCCTestInstances.sameFront(found.points, expected), "seed \(seed)")
            for genome in found.genomes { #expect(evaluator.isFeasible(genome)) }
            // Count the instances whose constraints cut something off, so the suite would
            // notice if the generator stopped producing binding limits.
            let space = Int(pow(Double(instance.mecCount), Double(evaluator.pairCount)))
            if feasibleCount(evaluator) < space { withInfeasible += 1 }
            checked += 1
        }
        #expect(checked == 50)
        #expect(withInfeasible >= 10)
    }

    func feasibleCount(_ evaluator: SCCEvaluator) -> Int {
        let m = evaluator.mecCount, n = evaluator.pairCount
        var count = 0
        for code in 0..<Int(pow(Double(m), Double(n))) {
            var rest = code
            let genome = (0..<n).map { _ -> Int in
                defer { rest /= m }; return rest % m
            }
            if evaluator.isFeasible(genome) { count += 1 }
        }
        return count
    }

    /// The weighted branch and bound finds the enumerated minimum of w·T̂ + (1−w)·Ê.
    @Test(arguments: [0.0, 0.3, 0.7, 1.0])
    func weightedOptimumEqualsBruteForce(weight: Double) throws {
        for seed in 0..<40 as Range<UInt64> {
            let instance = try SCCTestInstances.tiny(seed: seed + 1000)
            let evaluator = SCCEvaluator(instance)
            let r = evaluator.reference
            func scalar(_ f: SCCObjectives) -> Double { weight * f.latency / r.latency + (1 - weight) * f.energy / r.energy }
            // The minimum of a weighted sum is attained on the front.
            let best = try SCCTestInstances.bruteForceFront(instance).map(scalar).min()!
            let found = try #require(try SCCExact().minimiseWeighted(evaluator, latencyWeight: weight))
            #expect(abs(found.value - best) <= 1e-9 * best, "seed \(seed)")
            #expect(evaluator.isFeasible(found.genome))
        }
    }

    @Test func nodeLimitFailsRatherThanGuesses() throws {
        var exact = SCCExact()
        exact.nodeLimit = 10
        let evaluator = SCCEvaluator(try SCCTestInstances.small(seed: 1))
        #expect(throws: OptimizerError.self) { try exact.front(evaluator) }
    }
}
