import Foundation
@testable import Optimizers
import SeededRandom
import Testing

@Suite struct PAMMSubproblemATests {
    /// The interior-point answer of P3a is feasible and no feasible point nearby (convex
    /// problem: local = global) has a lower objective — checked by random feasible sampling.
    @Test func interiorPointSolutionIsOptimal() throws {
        var generator = SeededGenerator(seed: 12)
        var checked = 0
        for seed in 0..<6 {
            let problem = try STTGSTestInstances.random(clients: 3 + seed, seed: 600 + UInt64(seed), load: 10).stageTwo()
            let k = problem.clientCount
            let surrogates = PAMMSurrogates(problem: problem, beta: 0.1)
            let top = problem.instance.predictedLoss.max()!
            let values = problem.instance.predictedLoss.map { $0 / top }
            let powers = (0..<k).map { _ in generator.nextUniform(in: 0.05..<1) }
            let subproblem = PAMMSubproblemA(surrogates: surrogates, values: values, powers: powers, gamma: 10)
            let anchor = PAMMSubproblemA.Point(
                x: (0..<k).map { _ in generator.nextUnit() }, s: (0..<k).map { _ in generator.nextUniform(in: 0.01..<1) })
            let (solution, steps) = subproblem.solve(anchor: anchor)
            guard steps > 0 else { continue }
            checked += 1
            let linear = (0..<k).map { -values[$0] + (1 - 2 * anchor.x[$0]) / 0.1 }
            func objective(_ p: PAMMSubproblemA.Point) -> Double {
                var total = 0.0
                for i in 0..<k {
                    let mismatch: Double = p.s[i] - p.x[i] * powers[i]
                    total += linear[i] * p.x[i] + 10 * mismatch * mismatch
                }
                return total
            }
            func feasible(_ p: PAMMSubproblemA.Point) -> Bool {
                p.x.allSatisfy { $0 >= 0 && $0 <= 1 } && p.s.allSatisfy { $0 >= PAMMSubproblemA.sFloor && $0 <= 1 }
                    && (0..<k).allSatisfy { surrogates.rateConstraintSurrogate($0, x: p.x, s: p.s, at: anchor.s) <= 0 }
            }
            #expect(feasible(solution))
            let best = objective(solution)
            for _ in 0..<3000 {
                let radius = pow(10, generator.nextUniform(in: -6..<(-1)))
                let trial = PAMMSubproblemA.Point(
                    x: solution.x.map { min(1, max(0, $0 + radius * generator.nextGaussian())) },
                    s: solution.s.map { min(1, max(PAMMSubproblemA.sFloor, $0 + radius * generator.nextGaussian())) })
                guard feasible(trial) else { continue }
                #expect(objective(trial) >= best - 1e-7 * max(1, abs(best)))
            }
        }
        #expect(checked >= 4)
    }
}
