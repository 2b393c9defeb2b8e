import Foundation
import SeededRandom
import Testing
@testable import Optimizers

@Suite struct GSCLOSolverTests {
    /// `exact` equals brute-force enumeration on 278 seeded instances with T ≤ 16
    /// (20 per size up to T = 13, 6 per size above, where enumeration dominates the suite).
    @Test(arguments: 1...16)
    func exactMatchesBruteForce(frames: Int) throws {
        for seed in UInt64(0)..<(frames <= 13 ? 20 : 6) {
            let instance = GSMRTestInstances.random(frames: frames, seed: seed)
            let result = try GSCLOSolver.solve(instance, with: .exact)
            #expect(result.feasible)
            #expect(abs(result.objective - GSMRTestInstances.bruteForceLoss(instance)) < 1e-12)
        }
    }

    /// `exact` equals brute force where branch and bound struggled: nearly equal weights
    /// (Rician K = 30 dB gains) and exactly equal weights (every subset of a size costs the
    /// same; the losses also contain ties and zeros) — 2 × 200 instances, T ≤ 16.
    @Test(arguments: [GSMRTestInstances.Gains.strongLineOfSight, .equal])
    func exactMatchesBruteForceWithNearlyEqualWeights(gains: GSMRTestInstances.Gains) throws {
        for frames in 1...16 {
            for seed in UInt64(0)..<(frames <= 13 ? 14 : 6) {
                let instance = GSMRTestInstances.random(frames: frames, seed: seed, gains: gains)
                let result = try GSCLOSolver.solve(instance, with: .exact)
                #expect(result.feasible)
                #expect(
                    abs(result.objective - GSMRTestInstances.bruteForceLoss(instance)) < 1e-12,
                    "T=\(frames) seed \(seed)")
            }
        }
    }

    /// Every P_GS solver is feasible and none beats the proven optimum.
    @Test(arguments: [8, 40, 150])
    func noHeuristicBeatsExact(frames: Int) throws {
        for seed in UInt64(100)..<110 {
            let instance = GSMRTestInstances.random(frames: frames, seed: seed)
            let exact = try GSCLOSolver.solve(instance, with: .exact)
            for solver in GSCLOSolverName.budgetSolvers {
                let result = try GSCLOSolver.solve(instance, with: solver, options: .init(searchIterations: 200))
                #expect(result.feasible, "\(solver) infeasible, violation \(result.maxViolation)")
                #expect(result.objective >= exact.objective - 1e-12, "\(solver) beat exact")
                #expect(result.x.count == frames && result.powers.count == frames)
            }
        }
    }

    /// Proposition 2: with equal gains Ranking is optimal. Equal weights are also the hardest
    /// case for exact's variable fixing, so exact is checked here too.
    @Test func rankingIsOptimalWithEqualGains() throws {
        for seed in UInt64(0)..<40 {
            let instance = GSMRTestInstances.random(frames: 12, seed: seed, equalGains: true)
            let optimum = GSMRTestInstances.bruteForceLoss(instance)
            let ranking = try GSCLOSolver.solve(instance, with: .ranking)
            #expect(ranking.feasible)
            #expect(abs(ranking.objective - optimum) < 1e-12)
            #expect(abs(try GSCLOSolver.solve(instance, with: .exact).objective - optimum) < 1e-12)
        }
    }

    /// Proposition 3: the Q'_GS closed form equals the enumerated optimum of Q'_GS.
    @Test func lowPowerClosedFormEqualsEnumeration() throws {
        for seed in UInt64(0)..<30 {
            let instance = GSMRTestInstances.random(frames: 10, seed: seed)
            let threshold = instance.lossThreshold!
            var best = Double.infinity
            GSMRTestInstances.enumerate(instance.frames) { x in
                guard x.indices.allSatisfy({ x[$0] || instance.losses[$0] <= threshold }) else { return }
                best = min(best, x.indices.reduce(0) { $0 + GSMRTestInstances.power(instance, $1, image: x[$1]) })
            }
            let result = try GSCLOSolver.solve(instance, with: .lowpower)
            #expect(result.feasible)
            #expect(abs(result.objective - best / 10) <= 1e-12 * best)
        }
    }

    /// Q_GS: the knapsack equals enumeration; the penalty method is feasible and not better.
    @Test func qgsExactEqualsEnumerationAndPenaltyIsFeasible() throws {
        for seed in UInt64(0)..<30 {
            var instance = GSMRTestInstances.random(frames: 11, seed: seed)
            instance.lossThreshold = [0.0, 0.01, 0.03, 0.08][Int(seed % 4)]
            let threshold = instance.lossThreshold!
            var best = Double.infinity
            GSMRTestInstances.enumerate(instance.frames) { x in
                guard instance.meanLoss(x) <= threshold * (1 + 1e-12) else { return }
                best = min(best, x.indices.reduce(0) { $0 + GSMRTestInstances.power(instance, $1, image: x[$1]) })
            }
            let exact = try GSCLOSolver.solve(instance, with: .qgs)
            #expect(exact.feasible)
            #expect(abs(exact.objective - best / 11) <= 1e-12 * best)
            let penalty = try GSCLOSolver.solve(instance, with: .qgsPenalty)
            #expect(penalty.feasible)
            #expect(penalty.objective >= exact.objective * (1 - 1e-12))
        }
    }

    /// The APO subproblem's dual solution satisfies the KKT conditions: stationarity per frame
    /// (a_t + λc_t'(x_t) = 0 inside, ≥ 0 at 0, ≤ 0 at 1), the budget, and complementary slackness.
    @Test func apoSubproblemSatisfiesKKT() throws {
        for seed in UInt64(0)..<20 {
            let instance = GSMRTestInstances.random(frames: 60, seed: seed)
            let costs = FrameCosts(instance)
            var generator = SeededGenerator(seed: seed, stream: 3, index: 0)
            let linear = (0..<60).map { _ in generator.nextUniform(in: -2e-3..<5e-4) }
            let solution = GSCLOSolver.relaxedBudgetSolution(linear: linear, costs: costs, budget: instance.totalBudget)
            let spent = solution.indices.reduce(0) { $0 + costs.cost($1, solution[$1]) }
            #expect(spent <= instance.totalBudget * (1 + 1e-9))
            // Recover λ from any interior frame; all interior frames must agree.
            let interior = solution.indices.filter { solution[$0] > 1e-9 && solution[$0] < 1 - 1e-9 }
            let multipliers = interior.map { -linear[$0] / costs.slope($0, solution[$0]) }
            let lambda = multipliers.first ?? 0
            for m in multipliers { #expect(abs(m / lambda - 1) < 1e-8) }
            if lambda > 0 { #expect(abs(spent / instance.totalBudget - 1) < 1e-9) }
            for t in solution.indices where !interior.contains(t) {
                let gradient = linear[t] + lambda * costs.slope(t, solution[t])
                if solution[t] <= 1e-9 { #expect(gradient >= -1e-9 * abs(linear[t])) } else { #expect(gradient <= 1e-9 * abs(linear[t])) }
            }
        }
    }

    @Test func apoConvergesAndTracksItsSteps() throws {
        let instance = GSMRTestInstances.random(frames: 200, seed: 5)
        let (result, trace) = try GSCLOSolver.apoWithTrace(instance)
        #expect(result.feasible)
        #expect(trace.stepNorms.count == result.iterations)
        #expect(trace.stepNorms.last! < 1e-4 || result.iterations == GSCLOSolverOptions().maxIterations)
    }
}
