import Testing
@testable import Optimizers

@Suite("IRAC exact")
struct IRACExactTests {
    /// 280 seeded instances, K = 1…14 (20 each), power budgets from −10 to 12 dBm and random
    /// K_max: the knapsack optimum equals the brute-force optimum.
    @Test(arguments: 1...14)
    func equalsBruteForce(users: Int) throws {
        for trial in 0..<20 {
            let instance = try IRACTestInstances.random(seed: UInt64(users * 1000 + trial), users: users)
            let (decision, _) = try IRACExact.solve(instance)
            #expect(instance.isFeasible(decision))
            let optimum = IRACTestInstances.bruteForce(instance)
            #expect(
                abs(instance.objective(decision.served) - optimum) <= 1e-12 * max(1, optimum),
                "K=\(users) trial \(trial)")
        }
    }
}
