import Foundation
import SeededRandom
import Testing
@testable import Optimizers

@Suite("IRAC PMM")
struct IRACPenaltyMMTests {
    /// KKT residuals of the convex subproblem, computed from the SPEC formulas (not through the
    /// solver's helpers): primal feasibility, sign of the stationarity residual at the box
    /// bounds, zero in the interior, complementary slackness for λ and μ. Scaled by max |w|.
    static func kktResidual(_ instance: IRACInstance, weights: [Double], solution: IRACRelaxedSubproblem.Solution) -> Double {
        let b = instance.frameBits / (instance.bandwidth * (instance.latencyBudget - instance.edgeRenderTime))
        let a = instance.channelGains.map { instance.noisePower / $0 }
        let x = solution.x, λ = solution.powerPrice, μ = solution.slotPrice
        let scale = max(weights.map(abs).max()!, 1e-300)
        var residual = 0.0
        var power = 0.0
        for k in x.indices {
            residual = max(residual, -x[k], x[k] - 1)
            power += a[k] * (pow(2, b * x[k]) - 1)
            let stationarity = (weights[k] - μ - λ * a[k] * b * log(2) * pow(2, b * x[k])) / scale
            if x[k] <= 0 {
                residual = max(residual, stationarity)
            } else if x[k] >= 1 {
                residual = max(residual, -stationarity)
            } else {
                residual = max(residual, abs(stationarity))
            }
        }
        let slots = x.reduce(0, +)
        residual = max(residual, (power - instance.powerBudget) / instance.powerBudget)
        residual = max(residual, slots - Double(instance.maxUsers), -λ, -μ)
        residual = max(residual, λ * abs(instance.powerBudget - power) / scale)
        residual = max(residual, μ * abs(Double(instance.maxUsers) - slots) / scale)
        return residual
    }

    /// Random weights (some negative, as MM produces) on 300 random instances, K = 2…40.
    @Test func subproblemSatisfiesKKT() throws {
        var worst = 0.0
        for trial in 0..<300 {
            let users = 2 + trial % 39
            let instance = try IRACTestInstances.random(seed: UInt64(50_000 + trial), users: users)
            var generator = SeededGenerator(seed: UInt64(trial), stream: 5, index: 0)
            let weights = instance.switchingGains.map { $0 + generator.nextUniform(in: -0.01..<0.01) }
            let solution = IRACRelaxedSubproblem(instance).solve(weights: weights)
            let residual = Self.kktResidual(instance, weights: weights, solution: solution)
            worst = max(worst, residual)
            #expect(residual < 1e-8, "trial \(trial) K=\(users) residual \(residual)")
        }
        #expect(worst.isFinite)
    }

    /// The subproblem's value equals its dual bound at the returned multipliers (zero gap),
    /// an independent certificate of optimality.
    @Test func subproblemHasZeroDualityGap() throws {
        for trial in 0..<100 {
            let instance = try IRACTestInstances.random(seed: UInt64(60_000 + trial), users: 3 + trial % 20)
            let problem = IRACRelaxedSubproblem(instance)
            let weights = instance.switchingGains
            let solution = problem.solve(weights: weights)
            let primal = zip(weights, solution.x).reduce(0) { $0 + $1.0 * $1.1 }
            // Dual function: each user's best (w − μ)x − λφ(x) over [0,1], found by ternary
            // search on this concave function — not with the solver's closed form.
            var dual = solution.powerPrice * instance.powerBudget + solution.slotPrice * Double(instance.maxUsers)
            for k in weights.indices {
                let lagrangian = { (x: Double) in
                    (weights[k] - solution.slotPrice) * x - solution.powerPrice * problem.power(user: k, fraction: x)
                }
                var low = 0.0, high = 1.0
                for _ in 0..<200 {
                    let m1 = low + (high - low) / 3, m2 = high - (high - low) / 3
                    if lagrangian(m1) < lagrangian(m2) { low = m1 } else { high = m2 }
                }
                dual += max(lagrangian(0), lagrangian(1), lagrangian(0.5 * (low + high)))
            }
            #expect(dual >= primal - 1e-10 * max(primal, 1e-9))
            #expect(dual - primal <= 1e-9 * max(primal, 1e-9), "trial \(trial): primal \(primal) dual \(dual)")
        }
    }

    /// PMM's decision is always feasible, never better than the exact optimum, and its MM
    /// iterates stop at a stationary point.
    @Test func pmmIsAlwaysFeasible() throws {
        for trial in 0..<200 {
            let users = 1 + trial % 30
            let instance = try IRACTestInstances.random(seed: UInt64(70_000 + trial), users: users)
            let outcome = IRACPenaltyMM().solve(instance)
            #expect(instance.isFeasible(outcome.decision), "trial \(trial)")
            #expect(outcome.iterations < IRACPenaltyMM().maxIterations, "trial \(trial) did not converge")
            let (exact, _) = try IRACExact.solve(instance)
            #expect(instance.objective(outcome.decision.served) >= instance.objective(exact.served) - 1e-12)
        }
    }

    /// With ρ held fixed (growth 1) every MM step lowers the penalised objective: the tangent
    /// of the concave penalty majorises it (Proposition 1).
    @Test func mmStepsDescendAtFixedPenalty() throws {
        let pmm = IRACPenaltyMM(initialPenalty: 0.5, growth: 1, maxIterations: 40)
        for trial in 0..<40 {
            let instance = try IRACTestInstances.random(seed: UInt64(90_000 + trial), users: 4 + trial % 20)
            let history = pmm.solve(instance).penalisedObjectives
            for (before, after) in zip(history, history.dropFirst()) {
                #expect(after <= before + 1e-12 * max(1, abs(before)), "trial \(trial): \(history)")
            }
        }
    }

    /// Degenerate budgets: P = 0 and K_max = 0 serve nobody; a huge budget serves the K_max
    /// largest gains.
    @Test func degenerateBudgets() throws {
        var instance = try IRACTestInstances.random(seed: 7, users: 8)
        instance.powerBudget = 0
        #expect(IRACPenaltyMM().solve(instance).decision.served.allSatisfy { !$0 })
        instance.powerBudget = 1e3
        instance.maxUsers = 0
        #expect(IRACPenaltyMM().solve(instance).decision.served.allSatisfy { !$0 })
        instance.maxUsers = 3
        let served = IRACPenaltyMM().solve(instance).decision.served
        let top = Set(IRACBinarisation.largestGainFirst(instance).prefix(3))
        #expect(Set(served.indices.filter { served[$0] }) == top)
    }
}
