import Foundation

/// The nonconvex pieces of P3 and their MM surrogates (paper eq. 24, 27, 31, 32), in the
/// normalised variables PAMM works with: ξ in units of P_max (s_k = ξ_k/P_max).
///
/// `a_k` is row k of H·P_max/σ² (every transmitter as heard by receiver k) and `b_k` the same
/// row without the diagonal, so that `1 + a_k·s` is (signal + interference + noise)/noise and
/// `1 + b_k·s` is (interference + noise)/noise. Then
/// Φ_k = η_k x_k − log2(1 + a_k·s) + log2(1 + b_k·s); the surrogate keeps the concave part
/// −log2(1 + a_k·s) and replaces the concave log2(1 + b_k·s) by its tangent at s*, which lies
/// above it (Proposition 1 (i)); φ1 = (1/β)Σx(1−x) is concave and φ̂1 is its tangent.
public struct PAMMSurrogates: Sendable {
    /// Rows a_k (with the diagonal), length K each.
    public let signalRows: [[Double]]
    /// η_k in bit/s/Hz.
    public let rateTargets: [Double]
    /// β of φ1.
    public let beta: Double

    /// Surrogates for the stage-2 problem `problem` with penalty parameter `beta`.
    public init(problem: STTGSStageTwo, beta: Double) {
        let instance = problem.instance
        let scale = instance.powerMax / instance.noisePower
        signalRows = instance.gains.map { row in row.map { $0 * scale } }
        rateTargets = problem.rateTargets
        self.beta = beta
    }

    /// Number of clients.
    public var clientCount: Int { rateTargets.count }

    /// 1 + b_k·s: interference-plus-noise over noise at receiver k.
    func interferenceLevel(_ k: Int, _ s: [Double]) -> Double {
        var total = 1.0
        for l in s.indices where l != k { total += signalRows[k][l] * s[l] }
        return total
    }

    /// 1 + a_k·s.
    func receivedLevel(_ k: Int, _ s: [Double]) -> Double {
        interferenceLevel(k, s) + signalRows[k][k] * s[k]
    }

    /// φ1(x) = (1/β) Σ x_k(1 − x_k).
    public func binaryPenalty(_ x: [Double]) -> Double {
        x.reduce(0) { $0 + $1 * (1 - $1) } / beta
    }

    /// φ̂1(x | x*) = Σ (x_k − 2x*_k x_k + x*_k²)/β (eq. 31).
    public func binaryPenaltySurrogate(_ x: [Double], at expansion: [Double]) -> Double {
        zip(x, expansion).reduce(0) { $0 + ($1.0 - 2 * $1.1 * $1.0 + $1.1 * $1.1) } / beta
    }

    /// Φ_k(x, s) = η_k x_k − log2(1 + SINR_k(s)) (eq. 27).
    public func rateConstraint(_ k: Int, x: [Double], s: [Double]) -> Double {
        rateTargets[k] * x[k] - log2(receivedLevel(k, s) / interferenceLevel(k, s))
    }

    /// Φ̂_k(x, s | s*) (eq. 32).
    public func rateConstraintSurrogate(_ k: Int, x: [Double], s: [Double], at expansion: [Double]) -> Double {
        let anchor = interferenceLevel(k, expansion)
        return rateTargets[k] * x[k]
            - (log(receivedLevel(k, s)) - log(anchor) - interferenceLevel(k, s) / anchor + 1) / M_LN2
    }

    /// ∇_s Φ̂_k(x, s | s*): −(a_k/(1 + a_k·s) − b_k/(1 + b_k·s*))/ln 2. (∂/∂x_k is η_k.)
    public func rateConstraintSurrogateGradient(_ k: Int, s: [Double], at expansion: [Double]) -> [Double] {
        let received = receivedLevel(k, s), anchor = interferenceLevel(k, expansion)
        return s.indices.map { l in
            let a = signalRows[k][l], b = l == k ? 0 : signalRows[k][l]
            return -(a / received - b / anchor) / M_LN2
        }
    }
}
