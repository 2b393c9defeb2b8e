/// The exact IRAC solver (SPEC §3 "Exact").
///
/// For a fixed collaboration status the cheapest feasible powers are p_k = x_k p_k^min and the
/// objective does not depend on any spare power, so IRAC is exactly the 0/1 knapsack
/// max Σ x_k Δ_k s.t. Σ x_k p_k^min ≤ P, Σ x_k ≤ K_max, solved to proven optimality by the
/// shared knapsack solver (Common/Knapsack).
public enum IRACExact {
    /// The optimum and the knapsack search's node count; throws `.numerical` if the node limit
    /// stops the search before optimality is proven.
    public static func solve(_ instance: IRACInstance, nodeLimit: Int = 50_000_000) throws -> (IRACDecision, Int) {
        let solution = try Knapsack(
            values: instance.switchingGains, weights: instance.minimumPowers,
            capacity: instance.powerBudget, maxItems: instance.maxUsers
        ).optimum(nodeLimit: nodeLimit, solver: "exact")
        return (instance.minimumPowerDecision(solution.chosen), solution.nodes)
    }
}
