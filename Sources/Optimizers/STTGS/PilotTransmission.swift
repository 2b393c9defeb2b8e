import Foundation
import Wireless

/// Stage 1 of STT-GS: uploading the pilot sets D̃_k as fast as possible (SPEC §4 PTTM,
/// paper Algorithm 2) and the equal-power baseline it is compared with (Fig. 9).
public enum PilotTransmission {
    /// A pilot-stage schedule: its duration and the powers used.
    public struct Schedule: Sendable, Equatable {
        /// T0 in seconds.
        public var pilotTime: Double
        /// Transmit powers in watts.
        public var powers: [Double]
        /// Feasibility tests the search ran (0 for closed forms).
        public var iterations: Int
    }

    /// Stage-1 schemes by name.
    public enum Scheme: String, Sendable, CaseIterable, Codable {
        /// Bisection on T0 with minimal powers (Algorithm 2).
        case pttm
        /// Every client at min(P_max, P_sum/K).
        case equalpower
    }

    /// The schedule of `scheme`.
    public static func schedule(_ instance: STTGSInstance, scheme: Scheme) throws -> Schedule {
        switch scheme {
        case .pttm: return try minimiseTime(instance)
        case .equalpower: return equalPower(instance)
        }
    }

    /// SINR targets `2^(V_k|D̃_k|/(T0 B_k)) − 1` for a pilot stage of `duration` seconds.
    public static func sinrTargets(_ instance: STTGSInstance, duration: Double) -> [Double] {
        (0..<instance.clientCount).map { k in
            let bits = instance.bitsPerSample[k] * Double(instance.pilotCounts[k])
            return bits == 0 ? 0 : exp2(bits / (duration * instance.bandwidths[k])) - 1
        }
    }

    /// PTTM: bisection on T0 ∈ [0, T]; each trial solves for the minimal power vector and
    /// accepts T0 when ρ(ΓF) < 1 and the powers meet P_max and P_sum. Feasibility is monotone
    /// in T0 (longer time → lower targets → lower minimal powers), so bisection is exact up to
    /// the bracket width `relativeTolerance`·T0.
    ///
    /// Throws `.infeasible` when even T0 = T cannot carry the pilots.
    public static func minimiseTime(_ instance: STTGSInstance, relativeTolerance: Double = 1e-9) throws -> Schedule {
        let oracle = MinimalPower(gains: instance.gains, noise: instance.noisePower)
        let everyone = Array(0..<instance.clientCount)
        var tests = 0
        func powers(at duration: Double) throws -> [Double]? {
            tests += 1
            let verdict = try oracle.verdict(
                targets: sinrTargets(instance, duration: duration), members: everyone,
                powerMax: instance.powerMax, powerSum: instance.powerSum)
            if case .feasible(let powers) = verdict { return powers }
            return nil
        }
        guard try powers(at: instance.timeBudget) != nil else {
            throw OptimizerError(.infeasible, "PTTM: the pilots cannot be uploaded within T = \(instance.timeBudget) s")
        }
        var failure: Error?
        let duration = Bisection.smallestTrue(low: 0, high: instance.timeBudget, tolerance: relativeTolerance) { trial in
            do { return try powers(at: trial) != nil } catch { failure = error; return true }
        }
        if let failure { throw failure }
        guard let final = try powers(at: duration) else {
            throw OptimizerError(.numerical, "PTTM: bisection ended on an infeasible T0 = \(duration)")
        }
        return Schedule(pilotTime: duration, powers: final, iterations: tests)
    }

    /// Baseline: every client sends at min(P_max, P_sum/K); T0 is set by the slowest client.
    public static func equalPower(_ instance: STTGSInstance) -> Schedule {
        let share = min(instance.powerMax, instance.powerSum / Double(instance.clientCount))
        let powers = [Double](repeating: share, count: instance.clientCount)
        var slowest = 0.0
        for k in 0..<instance.clientCount where instance.pilotCounts[k] > 0 {
            let sinr = Shannon.sinr(user: k, powers: powers, gains: instance.gains, noise: instance.noisePower)
            let rate = Shannon.rate(bandwidth: instance.bandwidths[k], sinr: sinr)
            slowest = max(slowest, instance.bitsPerSample[k] * Double(instance.pilotCounts[k]) / rate)
        }
        return Schedule(pilotTime: slowest, powers: powers, iterations: 0)
    }
}
