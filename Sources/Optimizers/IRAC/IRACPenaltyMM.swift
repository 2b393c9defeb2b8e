/// PMM, penalty majorisation–minimisation (paper §3, SPEC §3).
///
/// Relax x ∈ [0,1]^K and add the penalty ρ Σ x_k(1 − x_k) (ρ = 1/β) to Σ(1 − x_k)Δ_k. The
/// penalty is concave, so its tangent at the current iterate x^t,
/// ρ[x^t(1 − x^t) + (1 − 2x^t)(x − x^t)], majorises it: each MM step minimises
/// −Σ (Δ_k − ρ(1 − 2x_k^t)) x_k over the convex set of the relaxed constraints, i.e. solves
/// `IRACRelaxedSubproblem` with weights w_k = Δ_k − ρ(1 − 2x_k^t). The start x^0 is the
/// relaxation's optimum (ρ = 0), which is feasible, as the MM convergence theorem asks.
/// ρ grows geometrically (a continuation on β) until the iterate is binary and stationary.
///
/// Final binarisation: threshold at 0.5 (a no-op at a binary critical point), repair by
/// dropping least-scored users if a rounding slip broke a constraint, then fill: add unserved
/// users by decreasing Δ_k while they fit. Powers are p_k = x_k p_k^min.
public struct IRACPenaltyMM: Sendable {
    /// ρ_0 as a fraction of max Δ.
    public var initialPenalty: Double
    /// ρ_{t+1} = growth · ρ_t.
    public var growth: Double
    /// Most MM steps.
    public var maxIterations: Int
    /// An iterate is binary when every x_k is within this of 0 or 1.
    public var binaryTolerance: Double

    /// A PMM configuration (defaults used throughout the docs).
    public init(initialPenalty: Double = 0.02, growth: Double = 1.5, maxIterations: Int = 200,
                binaryTolerance: Double = 1e-6) {
        self.initialPenalty = initialPenalty
        self.growth = growth
        self.maxIterations = maxIterations
        self.binaryTolerance = binaryTolerance
    }

    /// What PMM found: the binary critical point before repair and the final decision.
    public struct Outcome: Sendable {
        /// The feasible decision after binarisation, repair and fill.
        public var decision: IRACDecision
        /// The last MM iterate x^t.
        public var relaxed: [Double]
        /// MM steps taken.
        public var iterations: Int
    }

    /// Runs PMM on `instance`.
    public func solve(_ instance: IRACInstance) -> Outcome {
        let subproblem = IRACRelaxedSubproblem(instance)
        let gains = instance.switchingGains
        var x = subproblem.solve(weights: gains).x
        var penalty = initialPenalty * max(gains.max() ?? 0, .leastNormalMagnitude)
        var iterations = 1
        while iterations < maxIterations {
            let weights = gains.indices.map { gains[$0] - penalty * (1 - 2 * x[$0]) }
            let next = subproblem.solve(weights: weights).x
            iterations += 1
            let moved = zip(next, x).reduce(0.0) { max($0, abs($1.0 - $1.1)) }
            x = next
            let binary = x.allSatisfy { min($0, 1 - $0) <= binaryTolerance }
            if binary && moved <= binaryTolerance { break }
            penalty *= growth
        }
        var served = IRACBinarisation.roundAndRepair(instance, scores: x)
        served = IRACBinarisation.fill(instance, served, order: IRACBinarisation.largestGainFirst(instance))
        return Outcome(decision: instance.minimumPowerDecision(served), relaxed: x, iterations: iterations)
    }
}
