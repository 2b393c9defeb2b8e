/// P3b (eq. 30): `min Σ (ξ_k − x_k p_k)²  s.t. 0 ≤ p_k ≤ P_max, Σ p_k ≤ P_sum`, solved exactly.
///
/// The problem is separable apart from the sum constraint. With multiplier μ ≥ 0 on it, the
/// KKT conditions give `p_k(μ) = clamp(ξ_k/x_k − μ/(2x_k²), 0, P_max)` (x_k > 0; a client with
/// x_k = 0 gets p_k = 0, the least-norm minimiser of its constant term). Σ p_k(μ) is piecewise
/// linear and non-increasing with breakpoints where a p_k reaches a bound, so the μ with
/// Σ p_k(μ) = P_sum (when μ = 0 overspends) is found exactly by walking the sorted breakpoints
/// and solving the linear piece — a weighted projection onto box ∩ half-space.
public enum PowerProjection {
    /// The optimal p for slacks `xi` (watts) and selections `x`.
    public static func solve(xi: [Double], x: [Double], powerMax: Double, powerSum: Double) -> [Double] {
        let active = x.indices.filter { x[$0] > 1e-12 }
        func powers(_ mu: Double) -> [Double] {
            var p = [Double](repeating: 0, count: x.count)
            for k in active { p[k] = min(max(xi[k] / x[k] - mu / (2 * x[k] * x[k]), 0), powerMax) }
            return p
        }
        func spent(_ mu: Double) -> Double { powers(mu).reduce(0, +) }
        guard spent(0) > powerSum else { return powers(0) }
        // p_k(μ) leaves P_max at μ = 2x_kξ_k − 2x_k²P_max and reaches 0 at μ = 2x_kξ_k.
        var breakpoints = [0.0]
        for k in active {
            breakpoints.append(2 * x[k] * xi[k] - 2 * x[k] * x[k] * powerMax)
            breakpoints.append(2 * x[k] * xi[k])
        }
        breakpoints = breakpoints.filter { $0 >= 0 }.sorted()
        var low = 0.0
        for high in breakpoints where high > low {
            let spentHigh = spent(high)
            if spentHigh <= powerSum {
                // Linear between the breakpoints: interpolate the crossing exactly.
                let spentLow = spent(low)
                let mu = low + (spentLow - powerSum) / (spentLow - spentHigh) * (high - low)
                return powers(mu)
            }
            low = high
        }
        return powers(breakpoints.last ?? 0)
    }
}
