import Numerics

/// Operations on channel vectors `h ∈ ℂ^N` used by receivers and gain computations.
public enum ChannelVector {
    /// ‖h‖².
    public static func squaredNorm(_ h: [Complex<Double>]) -> Double {
        h.reduce(0) { $0 + $1.lengthSquared }
    }

    /// The inner product hᴴg = Σ conj(h_n)·g_n.
    public static func innerProduct(_ h: [Complex<Double>], _ g: [Complex<Double>]) -> Complex<Double> {
        precondition(h.count == g.count, "channel vectors must have the same length")
        var sum = Complex<Double>.zero
        for n in h.indices { sum += h[n].conjugate * g[n] }
        return sum
    }

    /// MRC composite gains (STT-GS eq. 5): `H_kk = ‖h_k‖²`, `H_kj = |h_kᴴ h_j|² / ‖h_k‖²`.
    ///
    /// Row k holds what receiver k (matched to h_k) collects from every transmitter j.
    public static func mrcCompositeGains(_ channels: [[Complex<Double>]]) -> [[Double]] {
        let norms = channels.map(squaredNorm)
        return channels.indices.map { k in
            channels.indices.map { j in
                k == j ? norms[k] : innerProduct(channels[k], channels[j]).lengthSquared / norms[k]
            }
        }
    }
}
