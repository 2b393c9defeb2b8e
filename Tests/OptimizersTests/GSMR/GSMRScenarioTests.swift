import Foundation
import Numerics
import SeededRandom
import Testing
@testable import Optimizers
import Wireless

@Suite struct GSMRScenarioTests {
    static let losses = SyntheticFrameLosses(seed: 9)

    /// Every registered solver returns a feasible answer on generated paper-setting instances.
    @Test(arguments: [(0.005, 0.0), (0.02, 30.0), (0.04, 0.0)])
    func everySolverIsFeasibleOnGeneratedInstances(power: Double, kFactorDB: Double) throws {
        var scenario = GSMRScenario(powerBudget: power, kFactorDB: kFactorDB, seed: 4)
        scenario.frames = 96  // paper physics, shorter route: keeps the debug-mode suite fast
        let instance = try scenario.instance(run: 0, losses: Self.losses)
        let exact = try GSCLOSolver.solve(instance, with: .exact)
        for solver in GSCLOSolverName.allCases {
            let result = try GSCLOSolver.solve(instance, with: solver, options: .init(searchIterations: 100))
            #expect(result.feasible, "\(solver) infeasible: violation \(result.maxViolation)")
            if GSCLOSolverName.budgetSolvers.contains(solver) {
                #expect(result.objective >= exact.objective - 1e-12)
            }
        }
    }

    @Test func instancesAreReproducibleAndRoundTrip() throws {
        let scenario = GSMRScenario(powerBudget: 0.01, kFactorDB: 0, seed: 4)
        let a = try scenario.instance(run: 3, losses: Self.losses)
        #expect(a == (try scenario.instance(run: 3, losses: Self.losses)))
        #expect(a != (try scenario.instance(run: 4, losses: Self.losses)))
        #expect(try GSCLOInstance.decode(json: a.encoded()) == a)
        #expect(a.generator?["L_source"]?.hasPrefix("synthetic") == true)
        // Mean small-scale gain ≈ 1 around the path loss 1e−6 (288 draws: loose bound).
        let mean = a.gains.reduce(0, +) / Double(a.frames)
        #expect(mean > 0.7e-6 && mean < 1.3e-6)
    }

    /// BILS's powers meet the outage target per frame, checked against Marcum Q independently
    /// of the bisection, and a slightly smaller power would not.
    @Test func bilsMeetsTheOutageTarget() throws {
        var scenario = GSMRScenario(powerBudget: 0.02, kFactorDB: 10, seed: 8)
        scenario.frames = 96
        let instance = try scenario.instance(run: 0, losses: Self.losses)
        let result = try GSCLOSolver.solve(instance, with: .bils, options: .init(searchIterations: 100))
        #expect(result.feasible)
        let h = instance.hEstimate!
        for t in 0..<instance.frames {
            let bits = result.x[t] == 1 ? instance.imageBits : instance.poseBits
            let snr = Outage.requiredSNR(bits: bits, duration: 0.1, bandwidth: 1e6)
            let gain = h.re[t] * h.re[t] + h.im[t] * h.im[t]
            let variance = instance.errorVariance![t]
            let at = Outage.probability(estimateGain: gain, errorVariance: variance, snr: snr, noise: 1e-9, power: result.powers[t])
            let below = Outage.probability(estimateGain: gain, errorVariance: variance, snr: snr, noise: 1e-9, power: result.powers[t] * 0.999)
            #expect(at <= 0.1 * (1 + 1e-6))
            #expect(at > 0.1 * (1 - 1e-6))
            #expect(below > 0.1)
        }
        // APO's powers, sized for the estimate, miss the target on every image frame.
        let apo = try GSCLOSolver.solve(instance, with: .apo)
        let robust = try RobustCosts(instance)
        for t in 0..<instance.frames where apo.x[t] == 1 {
            #expect(robust.outage(instance, frame: t, image: true, power: apo.powers[t]) > 0.1)
        }
    }

    @Test func multiRobotSplitsIntoFeasibleSingleRobotProblems() throws {
        let scenario = GSMRScenario(powerBudget: 0.01, kFactorDB: 0, seed: 2)
        let template = try scenario.instance(run: 0, losses: Self.losses)
        let antennas = 4, robots = 2
        let model = RicianChannel(antennas: antennas, kFactorDB: 0, largeScaleGain: 1e-6)
        let channels = (0..<template.frames).map { t in
            (0..<robots).map { k in model.realisation(seed: 2, link: UInt64(100 + k), slot: UInt64(t)) }
        }
        let losses = try (0..<robots).map { try Self.losses.losses(frames: template.frames, run: 10 + $0) }
        let system = try GSMRMultiRobot(template: template, losses: losses, channels: channels)
        #expect(system.robots.count == robots)
        for k in 0..<robots {
            for t in 0..<template.frames {
                #expect(system.robots[k].gains[t] <= ChannelVector.squaredNorm(channels[t][k]) * (1 + 1e-12))
            }
        }
        let apo = try system.solve(with: .apo)
        let exact = try system.solve(with: .exact)
        for k in 0..<robots {
            #expect(apo[k].feasible && exact[k].feasible)
            #expect(apo[k].objective >= exact[k].objective - 1e-12)
        }
    }
}
