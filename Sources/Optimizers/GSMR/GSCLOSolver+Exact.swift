extension GSCLOSolver {
    /// Exact: with `p_t = c_t(x_t)`, P_GS is the knapsack "value L_t, weight c_t(1) − c_t(0),
    /// capacity T·P − Σ c_t(0)", solved to proven optimality by Common/Knapsack (expanding-core
    /// dynamic programming; docs/GSMR.md "Exact"). Past `options.exactNodeLimit` search nodes
    /// the solver throws rather than guess.
    static func exact(
        _ instance: GSCLOInstance, costs: FrameCosts, options: GSCLOSolverOptions
    ) throws -> Decision {
        let capacity = max(0, instance.totalBudget - costs.pose.reduce(0, +))
        let solution = try Knapsack(values: instance.losses, weights: costs.increment, capacity: capacity)
            .optimum(nodeLimit: options.exactNodeLimit, solver: GSCLOSolverName.exact.rawValue)
        return Decision(x: solution.chosen, powers: tightPowers(solution.chosen, costs), iterations: solution.nodes)
    }
}
