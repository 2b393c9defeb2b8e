import Numerics

/// The linear receiver an N-antenna edge applies to K single-antenna transmitters of one slot.
public enum UplinkCombiner: String, Sendable, CaseIterable, Codable {
    /// Maximum-ratio combining, w_k = h̃_k: each transmitter on its own, the others interfere.
    case mrc
    /// Zero forcing (GSMR §VI-B, eq. 34–36), w_kᴴ = row k of (H̃ᴴH̃)⁻¹H̃ᴴ: nulls every other transmitter.
    case zf
}

/// Reception of transmitter k when the combiner is built from the channel estimates H̃ (what the
/// edge knows) and applied to the true channels H (what the air does): with H = H̃, ZF leaves no
/// interference and transmitter k sees the ZF gain 1/[(H̃ᴴH̃)⁻¹]_kk; estimation error leaves a
/// residue, and MRC leaves the full inter-transmitter interference.
public enum UplinkReception {
    /// SINR and interference-to-noise ratio of transmitter k.
    public struct Outcome: Sendable, Equatable {
        /// p_k|w_kᴴh_k|² / (Σ_{j≠k} p_j|w_kᴴh_j|² + σ²‖w_k‖²).
        public var sinr: Double
        /// Σ_{j≠k} p_j|w_kᴴh_j|² / (σ²‖w_k‖²).
        public var interferenceToNoise: Double
    }

    /// Transmitter `k`'s outcome; `estimates[j]`, `truths[j]` (N entries each) and `powers[j]` for
    /// every transmitter j of the slot, `noise` = σ².
    ///
    /// - Throws: `WirelessError` when the channels' sizes disagree or ZF has N < K or a singular H̃ᴴH̃.
    public static func outcome(
        of k: Int, combiner: UplinkCombiner, estimates: [[Complex<Double>]], truths: [[Complex<Double>]],
        powers: [Double], noise: Double
    ) throws -> Outcome {
        guard estimates.indices.contains(k), truths.count == estimates.count, powers.count == estimates.count,
            truths.allSatisfy({ $0.count == estimates[k].count })
        else {
            throw WirelessError(.invalidInput, "uplink reception needs one estimate, truth and power per transmitter")
        }
        let w = try combiner == .mrc ? estimates[k] : zeroForcingRow(k, estimates)
        var interference = 0.0
        for j in truths.indices where j != k {
            interference += powers[j] * ChannelVector.innerProduct(w, truths[j]).lengthSquared
        }
        let noisePower = noise * ChannelVector.squaredNorm(w)
        let signal = powers[k] * ChannelVector.innerProduct(w, truths[k]).lengthSquared
        return Outcome(sinr: signal / (interference + noisePower), interferenceToNoise: interference / noisePower)
    }

    /// w_k with w_kᴴ = row k of (H̃ᴴH̃)⁻¹H̃ᴴ, i.e. w_k = Σ_i conj(M_ki)·h̃_i with M = (H̃ᴴH̃)⁻¹.
    static func zeroForcingRow(_ k: Int, _ estimates: [[Complex<Double>]]) throws -> [Complex<Double>] {
        let inverse = try ZeroForcing.inverseGram(estimates)
        let users = estimates.count
        var w = [Complex<Double>](repeating: .zero, count: estimates[k].count)
        for i in 0..<users {
            let weight = inverse[i * users + k].conjugate  // M_ki (column-major)
            for n in w.indices { w[n] += weight * estimates[i][n] }
        }
        return w
    }
}
