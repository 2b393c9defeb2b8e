/// Safeguarded extrapolation of PAMM's outer iterates.
///
/// PAMM is block-coordinate descent on the penalised objective of P3,
///
///     F(x, s, p) = −Σ π̄_k x_k + (1/β) Σ x_k(1 − x_k) + γ Σ (s_k − x_k p_k)²
///
/// over {Φ_k(x, s) ≤ 0, 0 ≤ x ≤ 1, s ∈ [s_floor, 1], p ∈ box ∩ {Σp ≤ P_sum}}: each MM step of
/// P3a cannot increase F (the surrogates majorise φ1 and the Φ_k, and the anchor is feasible
/// for them), nor can P3b (it minimises F in p). When a client's x_k sits fractional on its
/// binding rate constraint, the coupling term lets (s_k, p_k) move only a little per
/// iteration — s_k may exceed x_k p_k only as far as γ allows, then P3b moves p_k after it — so
/// the iterates creep along an almost constant direction for hundreds of iterations.
///
/// After each outer iteration the step d = z⁽ⁱ⁾ − z⁽ⁱ⁻¹⁾ is therefore extrapolated: the trial
/// point z⁽ⁱ⁾ + ωd is pulled back into the feasible set (x clipped to its box, s kept inside its
/// box by the fraction-to-boundary rule, p
/// projected onto box ∩ half-space, each x_k lowered to what its true rate constraint allows
/// at the trial s) and accepted only if it lowers F. Accepted trials double ω (up to
/// `maxFactor`), rejected ones halve it. F stays monotone, so the convergence argument of
/// Algorithm 3 is untouched; the trial costs O(K²), against an interior-point solve of O(K³)
/// per Newton step.
struct PAMMExtrapolation {
    let surrogates: PAMMSurrogates
    /// π̄_k.
    let values: [Double]
    let gamma: Double
    /// Σp ≤ this (units of P_max).
    let powerSum: Double
    let maxFactor: Double
    /// Current ω.
    var factor = 1.0
    /// Trials accepted so far.
    var accepted = 0

    /// F(x, s, p).
    func objective(_ point: PAMMSubproblemA.Point, _ p: [Double]) -> Double {
        var total = surrogates.binaryPenalty(point.x)
        for k in point.x.indices {
            let mismatch = point.s[k] - point.x[k] * p[k]
            total += -values[k] * point.x[k] + gamma * mismatch * mismatch
        }
        return total
    }

    /// The extrapolated iterate if it lowers F, else nil (ω adapts either way).
    mutating func step(
        from previous: (point: PAMMSubproblemA.Point, p: [Double]),
        to current: (point: PAMMSubproblemA.Point, p: [Double])
    ) -> (point: PAMMSubproblemA.Point, p: [Double])? {
        guard maxFactor > 0 else { return nil }
        let omega = factor
        func ahead(_ a: [Double], _ b: [Double]) -> [Double] { zip(a, b).map { $1 + omega * ($1 - $0) } }
        // s keeps a tenth of its distance to each bound (fraction-to-boundary rule): the next
        // interior-point solve starts at s, and a start on the box's edge costs many Newton steps.
        let s = zip(previous.point.s, current.point.s).map { before, now -> Double in
            let floor = PAMMSubproblemA.sFloor
            return now + min(max(omega * (now - before), -0.9 * (now - floor)), 0.9 * (1 - now))
        }
        let p = PowerProjection.solve(
            xi: ahead(previous.p, current.p), x: [Double](repeating: 1, count: s.count), powerMax: 1, powerSum: powerSum)
        // The largest x_k the true rate constraint Φ_k ≤ 0 allows at s, with a hair of slack so
        // that the next interior-point solve starts strictly inside.
        let x = ahead(previous.point.x, current.point.x).enumerated().map { k, value -> Double in
            let rate =
                surrogates.rateTargets[k] > 0
                ? (1 - 1e-9) * -surrogates.rateConstraint(k, x: [Double](repeating: 0, count: s.count), s: s)
                    / surrogates.rateTargets[k]
                : 1
            return min(max(value, 0), 1, rate)
        }
        let trial = PAMMSubproblemA.Point(x: x, s: s)
        if objective(trial, p) < objective(current.point, current.p) {
            factor = min(2 * factor, maxFactor)
            accepted += 1
            return (trial, p)
        }
        factor = max(factor / 2, 1)
        return nil
    }
}
