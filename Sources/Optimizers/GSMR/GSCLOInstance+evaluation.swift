/// Objectives and feasibility checks of P_GS and its variants, shared by every solver.
extension GSCLOInstance {
    /// Relative slack allowed on every constraint before a point counts as infeasible.
    public static let relativeTolerance = 1e-9

    /// The P_GS objective `(1/T) Σ L_t (1 − x_t)`.
    public func meanLoss(_ x: [Bool]) -> Double {
        var total = 0.0
        for t in x.indices where !x[t] { total += losses[t] }
        return total / Double(frames)
    }

    /// The budget T·P in joules per slot-length units (Σ p_t ≤ T·P).
    public var totalBudget: Double { Double(frames) * powerBudget }

    /// Throws `.infeasible` when even sending every pose exceeds the budget
    /// (SPEC: report it, never silently drop frames).
    public func requirePosesFit(_ costs: FrameCosts) throws {
        let poses = costs.pose.reduce(0, +)
        guard poses <= totalBudget * (1 + Self.relativeTolerance) else {
            throw OptimizerError(
                .infeasible,
                "sending only poses needs an average of \(poses / Double(frames)) W, above the budget P = \(powerBudget) W")
        }
    }

    /// The largest violation (W) of `p_t ≥ c_t(x_t)` and `(1/T)Σp ≤ P`, and whether all hold
    /// within the relative tolerance.
    public func budgetFeasibility(
        x: [Bool], powers: [Double], required: (Int, Bool) -> Double
    ) -> (feasible: Bool, violation: Double) {
        var violation = 0.0, feasible = true
        for t in x.indices {
            let need = required(t, x[t])
            let shortfall = need - powers[t]
            if shortfall > Self.relativeTolerance * need { feasible = false }
            violation = max(violation, shortfall)
        }
        let excess = powers.reduce(0, +) / Double(frames) - powerBudget
        if excess > Self.relativeTolerance * powerBudget { feasible = false }
        return (feasible, max(violation, excess, 0))
    }
}
