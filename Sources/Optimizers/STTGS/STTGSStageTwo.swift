import Foundation
import Wireless

/// The stage-2 JCSPC problem P2 (SPEC §4, eq. 22–23) of an instance: maximise Σ x_k π̃_k
/// subject to `log2(1 + SINR_k) ≥ η_k x_k`, 0 ≤ p ≤ P_max, Σ x_k p_k ≤ P_sum, x binary, where
/// unselected clients do not transmit.
public struct STTGSStageTwo: Sendable {
    /// The instance.
    public let instance: STTGSInstance
    /// Pilot-stage duration T0 consumed before stage 2.
    public let pilotTime: Double
    /// η_k: spectral efficiency (bit/s/Hz) client k needs to upload the rest of its data.
    public let rateTargets: [Double]
    /// 2^η_k − 1: the matching SINR targets.
    public let sinrTargets: [Double]
    /// The minimal-power oracle of the uplink.
    public let power: MinimalPower

    /// Relative violation below which a point counts as feasible (rounding of tight
    /// minimal-power solutions).
    public static let feasibilityTolerance = 1e-9

    /// The stage-2 problem after a pilot stage of `pilotTime` seconds (eq. 23), or with the
    /// targets pinned to `rateTargets`.
    public init(instance: STTGSInstance, pilotTime: Double, rateTargets: [Double]? = nil) {
        self.instance = instance
        self.pilotTime = pilotTime
        let remaining = instance.timeBudget - pilotTime
        let targets =
            rateTargets
            ?? (0..<instance.clientCount).map { k in
                instance.bitsPerSample[k] * Double(instance.imageCounts[k] - instance.pilotCounts[k])
                    / (remaining * instance.bandwidths[k])
            }
        self.rateTargets = targets
        self.sinrTargets = targets.map { exp2($0) - 1 }
        self.power = MinimalPower(gains: instance.gains, noise: instance.noisePower)
    }

    /// Number of clients K.
    public var clientCount: Int { instance.clientCount }

    /// Σ x_k π̃_k.
    public func objective(_ x: [Int]) -> Double {
        zip(x, instance.predictedLoss).reduce(0) { $0 + Double($1.0) * $1.1 }
    }

    /// The minimal powers serving exactly `members`, or nil when that set is infeasible.
    public func minimalPowers(for members: [Int]) -> [Double]? {
        power.feasiblePowers(
            targets: sinrTargets, members: members, powerMax: instance.powerMax, powerSum: instance.powerSum)
    }

    /// The largest relative constraint violation of (x, p): rate shortfall (η_k − r_k)/η_k of
    /// selected clients, (p_k − P_max)/P_max, (Σ x_k p_k − P_sum)/P_sum, negative powers.
    public func maxViolation(x: [Int], powers: [Double]) -> Double {
        let transmitted = zip(x, powers).map { Double($0) * $1 }
        var worst = 0.0
        for k in 0..<clientCount {
            worst = max(worst, (powers[k] - instance.powerMax) / instance.powerMax, -powers[k] / instance.powerMax)
            guard x[k] == 1, rateTargets[k] > 0 else { continue }
            let sinr = Shannon.sinr(user: k, powers: transmitted, gains: instance.gains, noise: instance.noisePower)
            worst = max(worst, (rateTargets[k] - log2(1 + sinr)) / rateTargets[k])
        }
        return max(worst, (transmitted.reduce(0, +) - instance.powerSum) / instance.powerSum)
    }

    /// The SPEC result for (x, p) with its own feasibility check.
    public func result(x: [Int], powers: [Double], seconds: Double, iterations: Int, solver: String) -> SolverResult {
        let violation = maxViolation(x: x, powers: powers)
        return SolverResult(
            x: x, powers: powers, objective: objective(x),
            feasible: violation <= Self.feasibilityTolerance, maxViolation: violation,
            timeSeconds: seconds, iterations: iterations, solver: solver)
    }

    /// The indices with x_k = 1.
    public static func members(_ x: [Int]) -> [Int] { x.indices.filter { x[$0] == 1 } }
}

extension STTGSInstance {
    /// The stage-2 problem: pinned `eta`/`T0_s` when the instance has them, else T0 from the
    /// pilot scheme (PTTM by default). Throws `.infeasible` when the pilots use up all of T.
    public func stageTwo(pilotScheme: PilotTransmission.Scheme = .pttm) throws -> STTGSStageTwo {
        if let rateTargets { return STTGSStageTwo(instance: self, pilotTime: pilotTime ?? 0, rateTargets: rateTargets) }
        if let pilotTime { return STTGSStageTwo(instance: self, pilotTime: pilotTime) }
        let schedule = try PilotTransmission.schedule(self, scheme: pilotScheme)
        guard schedule.pilotTime < timeBudget else {
            throw OptimizerError(.infeasible, "the pilot stage takes \(schedule.pilotTime) s of T = \(timeBudget) s")
        }
        return STTGSStageTwo(instance: self, pilotTime: schedule.pilotTime)
    }
}
