import Foundation
import Optimizers
import SeededRandom
import Testing
import Wireless

@Suite struct MinimalPowerTests {
    static func sinr(_ k: Int, _ p: [Double], _ instance: STTGSInstance) -> Double {
        Shannon.sinr(user: k, powers: p, gains: instance.gains, noise: instance.noisePower)
    }

    /// Foschini–Miljanic iteration p ← Γ(Fp + u) from 0: an independent route to the least
    /// fixed point (it increases monotonically to p* when ρ < 1).
    static func fixedPoint(_ instance: STTGSInstance, _ targets: [Double]) -> [Double] {
        var p = [Double](repeating: 0, count: instance.clientCount)
        for _ in 0..<20_000 {
            let previous = p
            p = p.indices.map { k in
                let interference = p.indices.filter { $0 != k }.reduce(0) { $0 + instance.gains[k][$1] * p[$1] }
                return targets[k] * (interference + instance.noisePower) / instance.gains[k][k]
            }
            if zip(p, previous).allSatisfy({ abs($0 - $1) <= 1e-14 * $0 }) { break }
        }
        return p
    }

    @Test func minimalVectorIsTightMinimalAndMatchesFixedPoint() throws {
        var generator = SeededGenerator(seed: 5)
        var checked = 0
        for trial in 0..<40 {
            let instance = STTGSTestInstances.random(clients: 2 + trial % 6, seed: UInt64(trial))
            let oracle = MinimalPower(gains: instance.gains, noise: instance.noisePower)
            let targets = (0..<instance.clientCount).map { _ in generator.nextUniform(in: 0.5..<6) }
            let members = Array(0..<instance.clientCount)
            let radius = try oracle.spectralRadius(targets: targets, members: members)
            guard radius < 0.9, let p = oracle.positiveSolution(targets: targets, members: members) else { continue }
            checked += 1
            // Every SINR constraint is tight.
            for k in members { #expect(abs(Self.sinr(k, p, instance) / targets[k] - 1) < 1e-9) }
            // Independent computation of the least fixed point.
            let reference = Self.fixedPoint(instance, targets)
            for k in members { #expect(abs(reference[k] / p[k] - 1) < 1e-6) }
            // Any vector q ≤ p, q ≠ p, violates some constraint (p is the least solution).
            for _ in 0..<200 {
                let q = p.map { $0 * (1 - generator.nextUnit() * (generator.nextUnit() < 0.5 ? 1e-3 : 0.5)) }
                let violated = members.contains { Self.sinr($0, q, instance) < targets[$0] * (1 - 1e-12) }
                #expect(violated)
            }
        }
        #expect(checked >= 10)
    }

    @Test func infeasibleExactlyWhenSpectralRadiusReachesOne() throws {
        // Two symmetric users: ΓF = [[0, γa], [γa, 0]] has ρ = γa in closed form.
        let a = 0.5
        let gains = [[1.0, a], [a, 1.0]]
        let oracle = MinimalPower(gains: gains, noise: 1e-3)
        for product in [0.5, 0.99, 0.999_999, 1.000_001, 1.01, 2] {
            let gamma = product / a
            let radius = try oracle.spectralRadius(targets: [gamma, gamma], members: [0, 1])
            #expect(abs(radius - product) < 1e-12)
            let verdict = try oracle.verdict(targets: [gamma, gamma], members: [0, 1], powerMax: 1e9, powerSum: 1e9)
            if product < 1 {
                // Closed form: p = γσ²/(1 − γa) for each user.
                guard case .feasible(let p) = verdict else {
                    Issue.record("ρ = \(product) should be feasible")
                    continue
                }
                let closedForm = gamma * 1e-3 / (1 - product)
                #expect(abs(p[0] / closedForm - 1) < 1e-9 && abs(p[1] / closedForm - 1) < 1e-9)
            } else {
                #expect(verdict == .spectralRadiusTooLarge(radius))
                #expect(oracle.positiveSolution(targets: [gamma, gamma], members: [0, 1]) == nil)
            }
        }
    }

    @Test func positivityCertificateAgreesWithEigenvalues() throws {
        var generator = SeededGenerator(seed: 11)
        var sides = (feasible: 0, infeasible: 0)
        for trial in 0..<200 {
            let instance = STTGSTestInstances.random(clients: 2 + trial % 9, seed: UInt64(1000 + trial))
            let oracle = MinimalPower(gains: instance.gains, noise: instance.noisePower)
            let targets = (0..<instance.clientCount).map { _ in pow(10, generator.nextUniform(in: -1..<2.5)) }
            let members = (0..<instance.clientCount).filter { _ in generator.nextUnit() < 0.8 }
            let radius = try oracle.spectralRadius(targets: targets, members: members)
            guard abs(radius - 1) > 1e-6 else { continue }
            let solution = oracle.positiveSolution(targets: targets, members: members)
            #expect((solution != nil) == (radius < 1), "ρ = \(radius)")
            if radius < 1 { sides.feasible += 1 } else { sides.infeasible += 1 }
        }
        #expect(sides.feasible > 20 && sides.infeasible > 20)
    }

    @Test func capsDecideFeasibilityAtTheBoundary() throws {
        let instance = STTGSTestInstances.random(clients: 4, seed: 3)
        let oracle = MinimalPower(gains: instance.gains, noise: instance.noisePower)
        let targets = [Double](repeating: 2, count: 4)
        let members = [0, 1, 2, 3]
        let p = try #require(oracle.positiveSolution(targets: targets, members: members))
        let peak = p.max()!, total = p.reduce(0, +)
        func verdict(_ pmax: Double, _ psum: Double) throws -> MinimalPower.Verdict {
            try oracle.verdict(targets: targets, members: members, powerMax: pmax, powerSum: psum)
        }
        #expect(try verdict(peak * 1.001, total * 1.001) == .feasible(powers: p))
        #expect(try verdict(peak * 0.999, total * 10) == .capsViolated(powers: p))
        #expect(try verdict(peak * 10, total * 0.999) == .capsViolated(powers: p))
    }
}

@Suite struct PilotAndBaselineTests {
    @Test func pttmIsTheShortestFeasibleTimeAndBeatsEqualPower() throws {
        for seed in 0..<10 {
            let instance = STTGSTestInstances.random(clients: 2 + seed % 6, seed: 40 + UInt64(seed), load: 20)
            let pttm = try PilotTransmission.minimiseTime(instance)
            let oracle = MinimalPower(gains: instance.gains, noise: instance.noisePower)
            func feasible(_ t: Double) throws -> Bool {
                if case .feasible = try oracle.verdict(
                    targets: PilotTransmission.sinrTargets(instance, duration: t), members: Array(0..<instance.clientCount),
                    powerMax: instance.powerMax, powerSum: instance.powerSum)
                {
                    return true
                }
                return false
            }
            #expect(try feasible(pttm.pilotTime))
            #expect(try !feasible(pttm.pilotTime * (1 - 1e-6)))
            let equal = PilotTransmission.equalPower(instance)
            #expect(pttm.pilotTime <= equal.pilotTime * (1 + 1e-9))
        }
    }

    @Test func fairnessPerronFrobeniusMatchesBisection() throws {
        for seed in 0..<8 {
            let instance = STTGSTestInstances.random(clients: 2 + seed, seed: 70 + UInt64(seed))
            let target = try STTGSBaselines.maxMinSINR(instance)
            let oracle = MinimalPower(gains: instance.gains, noise: instance.noisePower)
            let members = Array(0..<instance.clientCount)
            // Independent: bisection on the common target with the eigenvalue-checked verdict.
            var low = 0.0, high = 1e6
            for _ in 0..<200 {
                let mid = 0.5 * (low + high)
                if case .feasible = try oracle.verdict(
                    targets: members.map { _ in mid }, members: members,
                    powerMax: instance.powerMax, powerSum: instance.powerSum)
                {
                    low = mid
                } else {
                    high = mid
                }
            }
            #expect(abs(target / low - 1) < 1e-8, "PF \(target) vs bisection \(low)")
        }
    }

    @Test func unknownSolverIsATypedError() {
        let error = #expect(throws: OptimizerError.self) { try STTGSSolverName(validating: "cvxpy") }
        #expect(error?.code == .unknownSolver)
    }
}
