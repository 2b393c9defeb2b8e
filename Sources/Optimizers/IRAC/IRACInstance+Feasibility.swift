extension IRACInstance {
    /// Relative tolerance below which a constraint violation counts as satisfied.
    public static let feasibilityTolerance = 1e-9

    /// The largest constraint violation of `decision`, each made dimensionless so that one
    /// tolerance fits all: power budget (Σp − P)/P, per-user latency (x p^min − p)/p^min,
    /// cardinality Σx − K_max, and negative powers −p/P. Zero when every constraint holds.
    public func maxViolation(_ decision: IRACDecision) -> Double {
        let minimum = minimumPowers
        let scale = max(powerBudget, .leastNormalMagnitude)
        var worst = 0.0
        var total = 0.0
        for k in 0..<userCount {
            let p = decision.powers[k]
            guard p.isFinite else { return .infinity }
            total += p
            worst = max(worst, -p / scale)
            if decision.served[k] { worst = max(worst, (minimum[k] - p) / minimum[k]) }
        }
        worst = max(worst, (total - powerBudget) / scale)
        worst = max(worst, Double(decision.served.filter { $0 }.count - maxUsers))
        return worst
    }

    /// Whether `decision` satisfies every constraint within `feasibilityTolerance`.
    public func isFeasible(_ decision: IRACDecision) -> Bool {
        maxViolation(decision) <= Self.feasibilityTolerance
    }

    /// The cheapest powers for a collaboration status: p_k = x_k p_k^min (spare budget unused,
    /// since the objective does not depend on it).
    public func minimumPowerDecision(_ served: [Bool]) -> IRACDecision {
        let minimum = minimumPowers
        return IRACDecision(
            served: served, powers: served.indices.map { served[$0] ? minimum[$0] : 0 })
    }

    /// Whether serving exactly `served` at minimum power fits the budget and K_max.
    public func fits(_ served: [Bool]) -> Bool {
        isFeasible(minimumPowerDecision(served))
    }

    /// Worst end-to-end latency t_e + D/R_k over served users (0 when nobody is served).
    public func worstLatency(_ decision: IRACDecision) -> Double {
        var worst = 0.0
        for k in 0..<userCount where decision.served[k] {
            worst = max(worst, latency(user: k, power: decision.powers[k]))
        }
        return worst
    }

    /// Packs a decision into the SPEC result record, with this instance's own objective and
    /// feasibility check.
    public func result(
        _ decision: IRACDecision, solver: String, timeSeconds: Double, iterations: Int
    ) -> SolverResult {
        let violation = maxViolation(decision)
        return SolverResult(
            x: decision.served.map { $0 ? 1 : 0 }, powers: decision.powers,
            objective: objective(decision.served),
            feasible: violation <= Self.feasibilityTolerance, maxViolation: violation,
            timeSeconds: timeSeconds, iterations: iterations, solver: solver)
    }
}
