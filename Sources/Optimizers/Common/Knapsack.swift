/// A 0/1 knapsack with an optional cardinality limit, solved to proven optimality.
///
/// maximise Σ vᵢxᵢ  s.t.  Σ wᵢxᵢ ≤ C,  Σ xᵢ ≤ r,  x ∈ {0,1}ⁿ.
///
/// GSMR's P_GS and Q_GS and ECO-GS's IRAC reduce to this once the powers are eliminated
/// (SPEC §2 "Exact", §3 "Exact"). The solver is dynamic programming over an expanding core
/// (`Knapsack.ExpandingCore`, after Pisinger's minknap): it keeps only undominated partial
/// solutions and drops those whose upper bound cannot beat the incumbent. docs/GSMR.md
/// ("Exact") explains why this replaced depth-first branch and bound.
public struct Knapsack: Sendable {
    /// Item values vᵢ (finite; items with vᵢ ≤ 0 are never worth taking).
    public var values: [Double]
    /// Item weights wᵢ ≥ 0.
    public var weights: [Double]
    /// Capacity C ≥ 0.
    public var capacity: Double
    /// Cardinality limit r, or nil for none.
    public var maxItems: Int?

    /// The optimum found and how much search it took.
    public struct Solution: Sendable, Equatable {
        /// Chosen items, in the caller's order.
        public var chosen: [Bool]
        /// Σ vᵢxᵢ.
        public var value: Double
        /// Search nodes: partial solutions (dynamic-programming states) examined.
        public var nodes: Int
        /// False only if the node limit stopped the search before optimality was proven; the
        /// solution is then the best feasible one found.
        public var provenOptimal: Bool
    }

    /// A knapsack instance; validates that weights and capacity are finite and non-negative.
    public init(values: [Double], weights: [Double], capacity: Double, maxItems: Int? = nil) throws {
        guard values.count == weights.count else {
            throw OptimizerError(.invalidInstance, "knapsack: \(values.count) values but \(weights.count) weights")
        }
        guard capacity.isFinite, capacity >= 0 else {
            throw OptimizerError(.infeasible, "knapsack: capacity \(capacity) is negative or not finite")
        }
        for i in values.indices where !(values[i].isFinite && weights[i].isFinite && weights[i] >= 0) {
            throw OptimizerError(.invalidInstance, "knapsack: item \(i) has value \(values[i]), weight \(weights[i])")
        }
        if let maxItems, maxItems < 0 {
            throw OptimizerError(.invalidInstance, "knapsack: cardinality limit \(maxItems) is negative")
        }
        self.values = values
        self.weights = weights
        self.capacity = capacity
        self.maxItems = maxItems
    }

    /// Solves to proven optimality unless more than `nodeLimit` nodes are needed first.
    public func solve(nodeLimit: Int = 50_000_000) -> Solution {
        let candidates = values.indices.filter { values[$0] > 0 && weights[$0] <= capacity }
        // Decreasing efficiency (zero weights first); ties by index, for reproducibility.
        let efficiency = values.indices.map { ExpandingCore.efficiency(value: values[$0], weight: weights[$0]) }
        let order = candidates.sorted { a, b in
            efficiency[a] != efficiency[b] ? efficiency[a] > efficiency[b] : a < b
        }
        // A cardinality limit no feasible set can reach (the lightest r + 1 items already
        // overflow) is dropped: dominance then ignores item counts.
        var lightest = 0.0
        let reachable = order.map { weights[$0] }.sorted().prefix { weight in
            lightest += weight
            return lightest <= capacity
        }.count
        let limit = maxItems.flatMap { $0 < reachable ? $0 : nil }
        var core = ExpandingCore(
            values: order.map { values[$0] }, weights: order.map { weights[$0] }, capacity: capacity,
            maxItems: limit)
        let proven = core.run(nodeLimit: nodeLimit)
        let selection = core.bestSelection
        var chosen = [Bool](repeating: false, count: values.count)
        for (position, item) in order.enumerated() where selection[position] { chosen[item] = true }
        return Solution(chosen: chosen, value: core.bestValue, nodes: core.nodes, provenOptimal: proven)
    }

    /// The proven optimum; throws `.numerical` (naming `solver`) if `nodeLimit` nodes do not
    /// suffice to prove it.
    public func optimum(nodeLimit: Int, solver: String) throws -> Solution {
        let solution = solve(nodeLimit: nodeLimit)
        guard solution.provenOptimal else {
            throw OptimizerError(
                .numerical, "\(solver): the knapsack search hit its node limit (\(nodeLimit)) before proving optimality")
        }
        return solution
    }
}
