import Foundation
import Numerics

/// Outage of a transmission over a channel known only through an estimate (SPEC §1, GSMR §V).
///
/// The true channel is `h = h̃ + Δh` with `Δh ~ CN(0, ω²)`, so `|h|` given `h̃` is Rician and a
/// transmission needing SNR `γ = 2^(C/(τB)) − 1` at power `p` fails with probability
/// `P_out = 1 − Q1(|h̃|/√(ω²/2), √(γσ²/p)/√(ω²/2))`, which decreases monotonically in `p`.
public enum Outage {
    /// The SNR `γ = 2^(C/(τB)) − 1` needed to carry `bits` in `duration` s over `bandwidth` Hz.
    @inlinable public static func requiredSNR(bits: Double, duration: Double, bandwidth: Double) -> Double {
        exp2(bits / (duration * bandwidth)) - 1
    }

    /// Outage probability at power `power` for a transmission needing SNR `snr`, given the
    /// estimate magnitude `|h̃|²` (`estimateGain`), error variance `errorVariance` = ω² and
    /// noise power `noise` = σ². With ω² = 0 the channel is known and the outage is 0 or 1.
    public static func probability(
        estimateGain: Double, errorVariance: Double, snr: Double, noise: Double, power: Double
    ) -> Double {
        guard power > 0 else { return snr > 0 ? 1 : 0 }
        guard errorVariance > 0 else { return estimateGain * power / noise >= snr ? 0 : 1 }
        let (a, b) = normalisedArguments(
            estimateGain: estimateGain, errorVariance: errorVariance, snr: snr, noise: noise,
            power: power)
        return MarcumQ.complement(a, b)
    }

    /// The normalised amplitudes `(a, b)` of the Marcum Q argument for these quantities:
    /// `a = |h̃|/√(ω²/2)`, `b = √(γσ²/p)/√(ω²/2)`.
    public static func normalisedArguments(
        estimateGain: Double, errorVariance: Double, snr: Double, noise: Double, power: Double
    ) -> (a: Double, b: Double) {
        let scale2 = 0.5 * errorVariance
        return ((estimateGain / scale2).squareRoot(), (snr * noise / (power * scale2)).squareRoot())
    }

    /// The power at which the normalised threshold equals `b`: `p = γσ² / ((ω²/2)·b²)`
    /// (the inverse of `normalisedArguments` in p). A solver that finds the largest `b*` with
    /// `1 − Q1(a, b*) ≤ ε` gets the minimum power meeting the outage target from it.
    public static func power(
        atNormalisedThreshold b: Double, errorVariance: Double, snr: Double, noise: Double
    ) -> Double {
        snr * noise / (0.5 * errorVariance * b * b)
    }
}
