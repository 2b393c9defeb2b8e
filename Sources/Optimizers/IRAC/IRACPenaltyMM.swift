/// PMM, penalty majorisation–minimisation (paper §3, SPEC §3).
///
/// Relax x ∈ [0,1]^K and add the penalty ρ Σ x_k(1 − x_k) (ρ = 1/β) to Σ(1 − x_k)Δ_k. The
/// penalty is concave, so its tangent at the current iterate x^t,
/// ρ[x^t(1 − x^t) + (1 − 2x^t)(x − x^t)], majorises it: each MM step minimises
/// −Σ (Δ_k − ρ(1 − 2x_k^t)) x_k over the convex set of the relaxed constraints, i.e. solves
/// `IRACRelaxedSubproblem` with weights w_k = Δ_k − ρ(1 − 2x_k^t). The start x^0 is the
/// relaxation's optimum (ρ = 0), which is feasible, as the MM convergence theorem asks.
/// ρ grows geometrically (a continuation on β) up to a cap; the loop stops at a stationary
/// iterate that is binary, or stationary at the cap. When the power budget binds, a critical
/// point of the penalised problem can keep a few users fractional (they absorb the leftover
/// power), so the binarisation below is part of the algorithm, not a formality.
///
/// Final binarisation: threshold at 0.5, repair by dropping the least-scored served users
/// while the budget or K_max is broken, then fill: add unserved users by decreasing Δ_k while
/// they fit. Powers are p_k = x_k p_k^min.
public struct IRACPenaltyMM: Sendable {
    /// ρ_0 as a fraction of max Δ.
    public var initialPenalty: Double
    /// ρ_{t+1} = growth · ρ_t.
    public var growth: Double
    /// The cap on ρ as a multiple of max Δ (beyond it the penalty dominates every weight).
    public var maxPenalty: Double
    /// Most MM steps.
    public var maxIterations: Int
    /// An iterate is binary when every x_k is within this of 0 or 1.
    public var binaryTolerance: Double

    /// A PMM configuration (defaults used throughout the docs).
    public init(
        initialPenalty: Double = 0.02, growth: Double = 1.5, maxPenalty: Double = 100,
        maxIterations: Int = 200, binaryTolerance: Double = 1e-6
    ) {
        self.initialPenalty = initialPenalty
        self.growth = growth
        self.maxPenalty = maxPenalty
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
        /// The penalised objective Σ(1 − x)Δ + ρ Σ x(1 − x) at each iterate x^1, x^2, … with
        /// the ρ of the step that produced it (non-increasing while ρ is constant: the MM
        /// descent property).
        public var penalisedObjectives: [Double]
    }

    /// Runs PMM on `instance`.
    public func solve(_ instance: IRACInstance) -> Outcome {
        let subproblem = IRACRelaxedSubproblem(instance)
        let gains = instance.switchingGains
        var x = subproblem.solve(weights: gains).x
        let largest = max(gains.max() ?? 0, .leastNormalMagnitude)
        var penalty = initialPenalty * largest
        let cap = maxPenalty * largest
        var iterations = 1
        var history: [Double] = []
        while iterations < maxIterations {
            let weights = gains.indices.map { gains[$0] - penalty * (1 - 2 * x[$0]) }
            let next = subproblem.solve(weights: weights).x
            iterations += 1
            let moved = zip(next, x).reduce(0.0) { max($0, abs($1.0 - $1.1)) }
            x = next
            history.append(gains.indices.reduce(0.0) { $0 + (1 - x[$1]) * gains[$1] + penalty * x[$1] * (1 - x[$1]) })
            let binary = x.allSatisfy { min($0, 1 - $0) <= binaryTolerance }
            if moved <= binaryTolerance && (binary || penalty >= cap) { break }
            penalty = min(penalty * growth, cap)
        }
        var served = IRACBinarisation.roundAndRepair(instance, scores: x)
        served = IRACBinarisation.fill(instance, served, order: IRACBinarisation.largestGainFirst(instance))
        return Outcome(
            decision: instance.minimumPowerDecision(served), relaxed: x, iterations: iterations,
            penalisedObjectives: history)
    }
}
