import Foundation

/// Rates and the power needed to reach them over an AWGN link with a known gain.
public enum Shannon {
    /// `R = B log2(1 + SINR)` in bit/s.
    @inlinable public static func rate(bandwidth: Double, sinr: Double) -> Double {
        bandwidth * log2(1 + sinr)
    }

    /// SINR of user k: `H_kk p_k / (Σ_{j≠k} H_kj p_j + σ²)` with composite gains `gains`.
    public static func sinr(user k: Int, powers: [Double], gains: [[Double]], noise: Double) -> Double {
        var interference = noise
        for j in powers.indices where j != k { interference += gains[k][j] * powers[j] }
        return gains[k][k] * powers[k] / interference
    }

    /// Minimum power to carry `bits` in `duration` seconds over `bandwidth` Hz with linear
    /// gain `gain` and noise power `noise`: `σ²(2^(C/(τB)) − 1)/g`.
    @inlinable public static func minimumPower(
        bits: Double, duration: Double, bandwidth: Double, noise: Double, gain: Double
    ) -> Double {
        noise * (exp2(bits / (duration * bandwidth)) - 1) / gain
    }
}
