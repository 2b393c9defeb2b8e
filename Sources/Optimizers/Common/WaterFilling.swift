/// Classic water-filling: maximise Σ log2(1 + gᵢpᵢ/σ²) subject to Σ pᵢ ≤ P, p ≥ 0.
///
/// The KKT conditions give pᵢ = max(0, μ − σ²/gᵢ) with the water level μ set so the budget is
/// spent exactly; μ is found by bisection (the spent power is continuous and increasing in μ).
/// Used by the MaxRate baselines of GSMR (over frames) and ECO-GS (over users).
public enum WaterFilling {
    /// The optimal powers for `gains` (linear, > 0), noise `noise` and total `budget` ≥ 0.
    public static func powers(gains: [Double], noise: Double, budget: Double) -> [Double] {
        guard !gains.isEmpty, budget > 0 else { return [Double](repeating: 0, count: gains.count) }
        let floors = gains.map { noise / $0 }
        let spent: (Double) -> Double = { level in floors.reduce(0) { $0 + max(0, level - $1) } }
        let low = floors.min()!
        let high = floors.max()! + budget
        let level = Bisection.smallestTrue(low: low, high: high, tolerance: 1e-15) { spent($0) >= budget }
        let raw = floors.map { max(0, level - $0) }
        // Rescale away the bisection's last sliver so the budget holds exactly.
        let total = raw.reduce(0, +)
        return total > budget ? raw.map { $0 * budget / total } : raw
    }
}
