extension GSCLOSolver {
    /// Ranking (eq. 17–18): frames sorted by decreasing L; μ is the largest m such that
    /// images for the first m and poses for the rest fit the budget, found by bisection over
    /// m (Ξ(m) increases in m); `p_t = c_t(x_t)`. Optimal when all gains are equal (Prop. 2).
    static func ranking(_ instance: GSCLOInstance, costs: FrameCosts) -> Decision {
        let order = instance.losses.indices.sorted {
            instance.losses[$0] != instance.losses[$1] ? instance.losses[$0] > instance.losses[$1] : $0 < $1
        }
        // Ξ(m) = Σ_t c_t(0) + Σ_{j ≤ m} (c_{g(j)}(1) − c_{g(j)}(0)), from prefix sums.
        var prefix = [Double](repeating: 0, count: order.count + 1)
        for (j, t) in order.enumerated() { prefix[j + 1] = prefix[j] + costs.increment[t] }
        let poses = costs.pose.reduce(0, +)
        let mu = Bisection.largestTrue(low: 0, high: order.count) { m in
            poses + prefix[m] <= instance.totalBudget
        }
        var x = [Bool](repeating: false, count: instance.frames)
        for t in order.prefix(max(mu, 0)) { x[t] = true }
        return Decision(x: x, powers: tightPowers(x, costs), iterations: 1)
    }
}
