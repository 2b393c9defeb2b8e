import Foundation
import Testing
@testable import Optimizers

@Suite("IRAC baselines")
struct IRACBaselineTests {
    static let feasibleSolvers: [IRACSolverName] = [.pmm, .exact, .usergs, .maxrate, .greedy, .search, .rounding]

    /// On 150 random instances every constraint-respecting scheme is feasible and none beats
    /// the exact optimum.
    @Test func noHeuristicBeatsExact() throws {
        var options = IRACSolverOptions()
        options.search = IteratedLocalSearch(flipsPerMove: 2, iterations: 300, seed: 3)
        for trial in 0..<150 {
            let instance = try IRACTestInstances.random(seed: UInt64(80_000 + trial), users: 2 + trial % 14)
            let exact = try IRACSolvers.solve(instance, with: .exact, options: options)
            #expect(exact.feasible)
            for name in Self.feasibleSolvers {
                let result = try IRACSolvers.solve(instance, with: name, options: options)
                #expect(result.feasible, "\(name) trial \(trial): violation \(result.maxViolation)")
                #expect(result.objective >= exact.objective - 1e-12, "\(name) beat exact on trial \(trial)")
                #expect(result.solver == name.rawValue)
            }
        }
    }

    @Test func edgeGSServesEveryoneAndReportsItsLatency() throws {
        var instance = try IRACTestInstances.random(seed: 11, users: 10)
        instance.powerBudget = 1e-3
        let decision = IRACBaselines.edgeGS(instance)
        #expect(decision.served.allSatisfy { $0 })
        #expect(instance.objective(decision.served) == 0)
        let latency = instance.worstLatency(decision)
        // Independent: the farthest user's latency at P/K from the Shannon rate.
        let weakest = instance.channelGains.min()!
        let rate = instance.bandwidth * log2(1 + instance.powerBudget / 10 * weakest / instance.noisePower)
        #expect(abs(latency - (instance.edgeRenderTime + instance.frameBits / rate)) < 1e-12)
        #expect(!instance.isFeasible(decision) || latency <= instance.latencyBudget * (1 + 1e-9))
    }

    @Test func unknownSolverIsATypedError() throws {
        let instance = try IRACTestInstances.random(seed: 1, users: 3)
        #expect(throws: OptimizerError.self) {
            try SolverRegistry.all().solve(json: JSONEncoder().encode(instance), solver: "magic")
        }
    }

    @Test func greedyTakesLargestGainsFirst() throws {
        var instance = try IRACTestInstances.random(seed: 5, users: 6)
        instance.powerBudget = 1e3
        instance.maxUsers = 2
        let served = IRACBaselines.greedy(instance).served
        #expect(Set(served.indices.filter { served[$0] }) == Set(IRACBinarisation.largestGainFirst(instance).prefix(2)))
    }
}
