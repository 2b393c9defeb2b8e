import Foundation
import Optimizers
import SeededRandom
import Testing

@Suite struct PAMMTests {
    static func problem(seed: UInt64, clients: Int = 6) throws -> STTGSStageTwo {
        try STTGSTestInstances.random(clients: clients, seed: seed, load: 10).stageTwo()
    }

    /// Central finite difference of `f` along coordinate `i`.
    static func derivative(_ f: ([Double]) -> Double, at point: [Double], _ i: Int, step: Double) -> Double {
        var plus = point, minus = point
        plus[i] += step
        minus[i] -= step
        return (f(plus) - f(minus)) / (2 * step)
    }

    @Test func surrogatesSatisfyProposition1() throws {
        let problem = try Self.problem(seed: 41)
        let surrogates = PAMMSurrogates(problem: problem, beta: 0.1)
        let k = problem.clientCount
        var generator = SeededGenerator(seed: 8)
        for _ in 0..<30 {
            let x0 = (0..<k).map { _ in generator.nextUnit() }, s0 = (0..<k).map { _ in generator.nextUnit() }
            // (iii) equality and equal gradients at the expansion point.
            #expect(abs(surrogates.binaryPenaltySurrogate(x0, at: x0) - surrogates.binaryPenalty(x0)) < 1e-12)
            for i in 0..<k {
                let g = Self.derivative({ surrogates.binaryPenalty($0) }, at: x0, i, step: 1e-6)
                let gHat = Self.derivative({ surrogates.binaryPenaltySurrogate($0, at: x0) }, at: x0, i, step: 1e-6)
                #expect(abs(g - gHat) < 1e-6)
            }
            for c in 0..<k {
                let exact = surrogates.rateConstraint(c, x: x0, s: s0)
                #expect(abs(surrogates.rateConstraintSurrogate(c, x: x0, s: s0, at: s0) - exact) < 1e-9 * max(1, abs(exact)))
                let analytic = surrogates.rateConstraintSurrogateGradient(c, s: s0, at: s0)
                for i in 0..<k {
                    let step = 1e-7 * max(s0[i], 1e-3)
                    let ds = Self.derivative({ surrogates.rateConstraint(c, x: x0, s: $0) }, at: s0, i, step: step)
                    let dsHat = Self.derivative({ surrogates.rateConstraintSurrogate(c, x: x0, s: $0, at: s0) }, at: s0, i, step: step)
                    #expect(abs(ds - dsHat) <= 1e-5 * max(1, abs(ds)))
                    #expect(abs(analytic[i] - ds) <= 1e-5 * max(1, abs(ds)))
                }
                let dx = Self.derivative({ surrogates.rateConstraint(c, x: $0, s: s0) }, at: x0, c, step: 1e-6)
                let dxHat = Self.derivative({ surrogates.rateConstraintSurrogate(c, x: $0, s: s0, at: s0) }, at: x0, c, step: 1e-6)
                #expect(abs(dx - dxHat) < 1e-6)
            }
            // (i) upper bound everywhere.
            for _ in 0..<20 {
                let x = (0..<k).map { _ in generator.nextUnit() }, s = (0..<k).map { _ in generator.nextUnit() }
                #expect(surrogates.binaryPenaltySurrogate(x, at: x0) >= surrogates.binaryPenalty(x) - 1e-12)
                for c in 0..<k {
                    #expect(surrogates.rateConstraintSurrogate(c, x: x, s: s, at: s0) >= surrogates.rateConstraint(c, x: x, s: s) - 1e-9)
                }
            }
        }
    }

    @Test func powerProjectionIsOptimal() throws {
        var generator = SeededGenerator(seed: 21)
        for trial in 0..<100 {
            let k = 1 + trial % 8
            let x = (0..<k).map { _ in generator.nextUnit() < 0.2 ? 0 : generator.nextUnit() }
            let xi = (0..<k).map { _ in generator.nextUniform(in: 0..<0.3) }
            let pmax = 0.2, psum = generator.nextUniform(in: 0.05..<0.5)
            let p = PowerProjection.solve(xi: xi, x: x, powerMax: pmax, powerSum: psum)
            let cost: ([Double]) -> Double = { q in (0..<k).reduce(0) { $0 + pow(xi[$1] - x[$1] * q[$1], 2) } }
            #expect(p.allSatisfy { $0 >= 0 && $0 <= pmax * (1 + 1e-12) })
            #expect(p.reduce(0, +) <= psum * (1 + 1e-12))
            // No random feasible point and no feasible perturbation does better.
            for _ in 0..<300 {
                var q = (0..<k).map { _ in generator.nextUniform(in: 0..<pmax) }
                let total = q.reduce(0, +)
                if total > psum { q = q.map { $0 * psum / total } }
                #expect(cost(q) >= cost(p) - 1e-15)
                let nudged = zip(p, q).map { 0.999 * $0 + 0.001 * $1 }
                #expect(cost(nudged) >= cost(p) - 1e-15)
            }
        }
    }

    @Test func everyOutputIsFeasibleAndCloseToExact() throws {
        var ratios: [Double] = []
        for seed in 0..<16 {
            let problem = try Self.problem(seed: 300 + UInt64(seed), clients: 3 + seed % 8)
            let raw = try PAMM(options: PAMM.Options(polishPasses: 0)).solve(problem)
            let rawResult = problem.result(x: raw.x, powers: raw.powers, seconds: 0, iterations: 0, solver: "pamm")
            #expect(rawResult.feasible, "unpolished violation \(rawResult.maxViolation)")
            let result = try STTGSSolvers.solve(problem, with: .pamm)
            #expect(result.feasible, "violation \(result.maxViolation)")
            #expect(result.x.count == problem.clientCount && result.powers.count == problem.clientCount)
            let exact = try STTGSSolvers.solve(problem, with: .exact)
            if exact.objective > 0 { ratios.append(result.objective / exact.objective) }
        }
        let mean = ratios.reduce(0, +) / Double(ratios.count)
        #expect(mean > 0.98, "PAMM/exact mean \(mean)")
    }

    @Test func convergenceTraceIsRecorded() throws {
        let problem = try Self.problem(seed: 77)
        let solution = try PAMM(options: PAMM.Options(outerIterations: 300)).solve(problem)
        #expect(solution.selectionSteps.count == solution.iterations)
        #expect(solution.powerSteps.count == solution.iterations)
        #expect(solution.newtonSteps > 0)
    }

    /// Every MM step and every P3b step lowers the penalised objective F of P3 (Proposition 1:
    /// the surrogates majorise and touch at the anchor), and an extrapolation is kept only if it
    /// lowers F too — so F must be non-increasing, with and without extrapolation (up to the
    /// interior-point tolerance).
    @Test(arguments: [0.0, 1024.0])
    func penalisedObjectiveNeverIncreases(maxExtrapolation: Double) throws {
        for seed in UInt64(0)..<12 {
            let problem = try Self.problem(seed: 500 + seed, clients: 4 + Int(seed) % 9)
            let solution = try PAMM(options: PAMM.Options(maxExtrapolation: maxExtrapolation)).solve(problem)
            #expect(solution.objectives.count == solution.iterations)
            #expect(maxExtrapolation > 0 || solution.extrapolations == 0)
            #expect(solution.extrapolations < solution.iterations)
            for (before, after) in zip(solution.objectives, solution.objectives.dropFirst()) {
                #expect(after <= before + 1e-7 * (1 + abs(before)), "seed \(seed): F rose from \(before) to \(after)")
            }
        }
    }

    @Test func rejectsBadOptions() throws {
        let problem = try Self.problem(seed: 1)
        #expect(throws: OptimizerError.self) { try PAMM(options: PAMM.Options(beta: 0)).solve(problem) }
        #expect(throws: OptimizerError.self) { try PAMM(options: PAMM.Options(outerIterations: 0)).solve(problem) }
        #expect(throws: OptimizerError.self) { try PAMM(options: PAMM.Options(maxExtrapolation: .nan)).solve(problem) }
    }
}
