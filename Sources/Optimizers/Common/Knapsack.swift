/// A 0/1 knapsack with an optional cardinality limit, solved to proven optimality by
/// depth-first branch and bound.
///
/// maximise Σ vᵢxᵢ  s.t.  Σ wᵢxᵢ ≤ C,  Σ xᵢ ≤ r,  x ∈ {0,1}ⁿ.
///
/// GSMR's P_GS and Q_GS and ECO-GS's IRAC reduce to this once the powers are eliminated
/// (SPEC §2 "Exact", §3 "Exact"). Items are explored in decreasing value/weight order; a node
/// is pruned when an upper bound — the fractional (Dantzig) bound, and with a cardinality
/// limit also the sum of the r largest remaining values — cannot beat the incumbent.
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
        /// Branch-and-bound nodes expanded.
        public var nodes: Int
        /// False only if the node limit stopped the search before optimality was proven.
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

    /// Solves to proven optimality unless `nodeLimit` nodes are exceeded first.
    public func solve(nodeLimit: Int = 50_000_000) -> Solution {
        let candidates = values.indices.filter { values[$0] > 0 && weights[$0] <= capacity }
        let order = candidates.sorted { a, b in
            let ra = values[a] / weights[a], rb = values[b] / weights[b]
            return ra != rb ? ra > rb : a < b
        }
        let v = order.map { values[$0] }
        let w = order.map { weights[$0] }
        let limit = min(maxItems ?? order.count, order.count)
        var search = Search(values: v, weights: w, maxItems: limit)
        search.run(capacity: capacity, nodeLimit: nodeLimit)
        var chosen = [Bool](repeating: false, count: values.count)
        for (position, item) in order.enumerated() where search.best[position] { chosen[item] = true }
        return Solution(
            chosen: chosen, value: search.bestValue, nodes: search.nodes,
            provenOptimal: search.nodes <= nodeLimit)
    }
}

extension Knapsack {
    /// Depth-first branch and bound over items sorted by decreasing value/weight.
    struct Search {
        let values: [Double]
        let weights: [Double]
        let maxItems: Int
        /// Positions in decreasing value order, for the cardinality bound.
        let byValue: [Int]
        var best: [Bool]
        var bestValue = 0.0
        var nodes = 0

        init(values: [Double], weights: [Double], maxItems: Int) {
            self.values = values
            self.weights = weights
            self.maxItems = maxItems
            self.byValue = values.indices.sorted { values[$0] > values[$1] }
            self.best = [Bool](repeating: false, count: values.count)
        }

        /// Fractional bound on what items `from...` can add with `room` capacity and `slots`
        /// more items; the cardinality part is the sum of the `slots` largest values.
        func bound(from start: Int, room: Double, slots: Int) -> Double {
            var total = 0.0, left = room
            for j in start..<values.count {
                if weights[j] <= left {
                    total += values[j]
                    left -= weights[j]
                } else {
                    total += values[j] * left / weights[j]
                    break
                }
            }
            guard slots < values.count - start else { return total }
            var largest = 0.0, taken = 0
            for position in byValue where position >= start {
                largest += values[position]
                taken += 1
                if taken == slots { break }
            }
            return min(total, largest)
        }

        mutating func run(capacity: Double, nodeLimit: Int) {
            let n = values.count
            var current = [Bool](repeating: false, count: n)
            // Items whose "include" branch is being explored; popping one explores its
            // "exclude" branch (Horowitz–Sahni order).
            var includedStack: [Int] = []
            var index = 0, room = capacity, value = 0.0, count = 0
            let slack = 1e-12 * max(capacity, 1e-300)
            while true {
                nodes += 1
                if nodes > nodeLimit { return }
                let promising = index < n && count < maxItems
                    && value + bound(from: index, room: room, slots: maxItems - count)
                        > bestValue * (1 + 1e-12) + 1e-300
                if promising {
                    // Descend greedily: include every item that fits, skip the rest.
                    while index < n && count < maxItems {
                        if weights[index] <= room + slack {
                            current[index] = true
                            includedStack.append(index)
                            room -= weights[index]
                            value += values[index]
                            count += 1
                        }
                        index += 1
                    }
                }
                if value > bestValue {
                    bestValue = value
                    best = current
                }
                guard let last = includedStack.popLast() else { return }
                current[last] = false
                room += weights[last]
                value -= values[last]
                count -= 1
                index = last + 1
            }
        }
    }
}
