import Foundation

/// The convex subproblem every PMM iteration solves (docs/IRAC.md §PMM derivation):
///
///     maximise Σ_k w_k x_k   s.t.   Σ_k φ_k(x_k) ≤ P,   Σ_k x_k ≤ K_max,   0 ≤ x ≤ 1,
///
/// with φ_k(x) = a_k (2^(b x) − 1), a_k = σ²/‖h_k‖², b = D/(B(T_max − t_e)): the least power
/// that meets the relaxed latency constraint B log2(1 + p g/σ²) ≥ x D/(T_max − t_e). The powers
/// were eliminated because any optimum spends exactly p_k = φ_k(x_k).
///
/// Solved exactly through its two-multiplier dual. For prices λ (power) and μ (cardinality)
/// the Lagrangian separates; user k's maximiser of (w_k − μ) x − λ φ_k(x) over [0,1] is
/// x_k = clip(log2((w_k − μ)/(λ a_k b ln 2))/b, 0, 1). For fixed μ the power spent is, between
/// consecutive user breakpoints, of the form A/λ + C, so λ*(μ) is found exactly by a search
/// over the sorted breakpoints and one division; the outer dual in μ is convex with derivative
/// K_max − Σ x_k, found by bisection.
public struct IRACRelaxedSubproblem: Sendable {
    /// a_k = σ²/‖h_k‖² (watts).
    public let powerScale: [Double]
    /// b = D/(B(T_max − t_e)) (bit/s/Hz needed by a served user).
    public let exponent: Double
    /// P.
    public let budget: Double
    /// K_max.
    public let maxUsers: Int

    /// The subproblem family of `instance`.
    public init(_ instance: IRACInstance) {
        powerScale = instance.channelGains.map { instance.noisePower / $0 }
        exponent = instance.requiredSpectralEfficiency
        budget = instance.powerBudget
        maxUsers = instance.maxUsers
    }

    /// An optimum with the multipliers that certify it.
    public struct Solution: Sendable {
        /// x ∈ [0,1]^K.
        public var x: [Double]
        /// λ ≥ 0, the price of power.
        public var powerPrice: Double
        /// μ ≥ 0, the price of a served-user slot.
        public var slotPrice: Double
    }

    /// φ_k(x): power user k needs to be served a fraction x.
    public func power(user k: Int, fraction x: Double) -> Double {
        powerScale[k] * (exp2(exponent * x) - 1)
    }

    /// φ_k'(x).
    public func marginalPower(user k: Int, fraction x: Double) -> Double {
        powerScale[k] * exponent * M_LN2 * exp2(exponent * x)
    }

    /// Solves for the weights `w` (one per user).
    public func solve(weights w: [Double]) -> Solution {
        let count = w.count
        guard budget > 0, maxUsers > 0 else {
            // Nothing can be served; prices high enough that x = 0 is stationary.
            let price = (0..<count).map { max(0, w[$0]) / marginalPower(user: $0, fraction: 0) }.max() ?? 0
            return Solution(
                x: [Double](repeating: 0, count: count),
                powerPrice: budget > 0 ? 0 : price, slotPrice: budget > 0 ? max(0, w.max() ?? 0) : 0)
        }
        let unconstrained = (λ: powerPrice(slotPrice: 0, weights: w), μ: 0.0)
        var x = response(weights: w, powerPrice: unconstrained.λ, slotPrice: 0)
        if x.reduce(0, +) <= Double(maxUsers) {
            return Solution(x: x, powerPrice: unconstrained.λ, slotPrice: 0)
        }
        // Σx(μ) is non-increasing in μ (the dual in μ is convex); at μ = max w nobody is served.
        var low = 0.0, high = w.max()!
        for _ in 0..<200 where high - low > 1e-15 * high {
            let mid = 0.5 * (low + high)
            let λ = powerPrice(slotPrice: mid, weights: w)
            if response(weights: w, powerPrice: λ, slotPrice: mid).reduce(0, +) > Double(maxUsers) {
                low = mid
            } else {
                high = mid
            }
        }
        let λ = powerPrice(slotPrice: high, weights: w)
        x = response(weights: w, powerPrice: λ, slotPrice: high)
        if λ == 0 { fillTies(&x, weights: w, slotPrice: high, below: low) }
        return Solution(x: x, powerPrice: λ, slotPrice: high)
    }

    /// Each user's maximiser of the Lagrangian at prices (λ, μ).
    func response(weights w: [Double], powerPrice λ: Double, slotPrice μ: Double) -> [Double] {
        w.indices.map { k in
            let margin = w[k] - μ
            guard margin > 0 else { return 0 }
            guard λ > 0 else { return 1 }
            let level = log2(margin / (λ * powerScale[k] * exponent * M_LN2)) / exponent
            return min(max(level, 0), 1)
        }
    }

    /// λ*(μ): zero if serving every user with w_k > μ fits the budget, otherwise the unique
    /// price at which the responses spend exactly P.
    func powerPrice(slotPrice μ: Double, weights w: [Double]) -> Double {
        let active = w.indices.filter { w[$0] > μ }
        let fullPower = active.reduce(0.0) { $0 + power(user: $1, fraction: 1) }
        guard fullPower > budget else { return 0 }
        // Breakpoints: user k is fully served for λ ≤ λ_full(k) and not at all for λ ≥ λ_none(k).
        let ln2b = exponent * M_LN2
        let none = active.map { (w[$0] - μ) / (powerScale[$0] * ln2b) }
        let full = none.map { $0 / exp2(exponent) }
        let breakpoints = (none + full).sorted()
        let spent: (Double) -> Double = { λ in
            var total = 0.0
            for (i, k) in active.enumerated() {
                if λ <= full[i] {
                    total += self.power(user: k, fraction: 1)
                } else if λ < none[i] {
                    total += (w[k] - μ) / (λ * ln2b) - self.powerScale[k]
                }
            }
            return total
        }
        // Largest breakpoint index whose spend still exceeds P (spend is non-increasing in λ).
        var low = -1, high = breakpoints.count - 1  // spent(bp[high]) == 0 < P
        while high - low > 1 {
            let mid = (low + high) / 2
            if spent(breakpoints[mid]) > budget { low = mid } else { high = mid }
        }
        let left = low >= 0 ? breakpoints[low] : 0, right = breakpoints[high]
        // On (left, right) the same users are full / interior / idle: spend = A/λ + C.
        let probe = left > 0 ? 0.5 * (left + right) : 0.5 * right
        var inverseTerm = 0.0, constant = 0.0
        for (i, k) in active.enumerated() {
            if probe <= full[i] {
                constant += power(user: k, fraction: 1)
            } else if probe < none[i] {
                inverseTerm += (w[k] - μ) / ln2b
                constant -= powerScale[k]
            }
        }
        guard inverseTerm > 0, budget > constant else { return right }
        return min(max(inverseTerm / (budget - constant), left), right)
    }

    /// With λ = 0 the responses are 0/1 and Σx can jump past K_max at μ*; users whose weight
    /// lies in the final bracket (below, μ*] are tied and share the remaining slots and power.
    private func fillTies(_ x: inout [Double], weights w: [Double], slotPrice μ: Double, below: Double) {
        var slots = Double(maxUsers) - x.reduce(0, +)
        var spare = budget - x.indices.reduce(0.0) { $0 + power(user: $1, fraction: x[$1]) }
        let tied = w.indices.filter { w[$0] > below && w[$0] <= μ && x[$0] == 0 }.sorted { w[$0] > w[$1] }
        for k in tied where slots > 0 && spare > 0 {
            let affordable = log2(1 + spare / powerScale[k]) / exponent
            x[k] = min(1, slots, affordable)
            slots -= x[k]
            spare -= power(user: k, fraction: x[k])
        }
    }
}
