/// `exact`: the optimal client set of P2 by depth-first branch and bound over subsets
/// (SPEC §4 "Exact").
///
/// Feasibility of a set is the closed-form minimal-power test (``MinimalPower``). The
/// feasible sets form a down-closed family — adding a client only adds interference, so
/// minimal powers grow component-wise and a superset of an infeasible set is infeasible — so
/// an include-branch that fails is pruned with its whole subtree. A node is also pruned when
/// a fractional-knapsack bound cannot beat the incumbent: every client k added to the current
/// set S needs at least γ_k(σ² + Σ_{j∈S} H_kj p_j)/H_kk (the interference S already causes),
/// and the powers of S can only grow, so P_sum − Σ p_S bounds what the rest may spend.
public struct ExactSelection: Sendable {
    /// Nodes after which the search gives up (reported, never silently).
    public var nodeLimit: Int

    /// An exact solver; `nodeLimit` guards against runaway instances with large K.
    public init(nodeLimit: Int = 20_000_000) {
        self.nodeLimit = nodeLimit
    }

    /// The optimum: chosen clients, their minimal powers, the nodes explored.
    public struct Solution: Sendable {
        /// x.
        public var x: [Int]
        /// Minimal powers of the chosen set (0 for the others).
        public var powers: [Double]
        /// Σ x π̃.
        public var objective: Double
        /// Branch-and-bound nodes explored.
        public var nodes: Int
    }

    /// Solves P2 to optimality; throws `.numerical` if the node limit is hit first.
    public func solve(_ problem: STTGSStageTwo) throws -> Solution {
        let k = problem.clientCount
        let values = problem.instance.predictedLoss
        // Clients with nothing to offer never enter; clients needing no power always do.
        let free = (0..<k).filter { values[$0] > 0 && problem.sinrTargets[$0] == 0 }
        let candidates = (0..<k)
            .filter { values[$0] > 0 && problem.sinrTargets[$0] > 0 && problem.minimalPowers(for: [$0]) != nil }
            .sorted { values[$0] != values[$1] ? values[$0] > values[$1] : $0 < $1 }
        var search = Search(problem: problem, order: candidates, nodeLimit: nodeLimit)
        search.explore(
            position: 0, chosen: free, powers: [Double](repeating: 0, count: k),
            value: free.reduce(0) { $0 + values[$1] })
        guard search.nodes <= nodeLimit else {
            throw OptimizerError(.numerical, "exact: node limit \(nodeLimit) reached at K = \(k)")
        }
        var x = [Int](repeating: 0, count: k)
        for member in search.best { x[member] = 1 }
        return Solution(x: x, powers: search.bestPowers, objective: search.bestValue, nodes: search.nodes)
    }
}

extension ExactSelection {
    struct Search {
        let problem: STTGSStageTwo
        let order: [Int]
        let nodeLimit: Int
        var best: [Int] = []
        var bestPowers: [Double]
        var bestValue = -1.0
        var nodes = 0

        init(problem: STTGSStageTwo, order: [Int], nodeLimit: Int) {
            self.problem = problem
            self.order = order
            self.nodeLimit = nodeLimit
            self.bestPowers = [Double](repeating: 0, count: problem.clientCount)
        }

        /// Fractional-knapsack bound on what `order[position...]` can still add to the set
        /// whose minimal powers are `powers`.
        func bound(position: Int, powers: [Double]) -> Double {
            let instance = problem.instance
            let room = instance.powerSum - powers.reduce(0, +)
            var items: [(value: Double, weight: Double)] = []
            for client in order[position...] {
                var interference = instance.noisePower
                for j in powers.indices where powers[j] > 0 { interference += instance.gains[client][j] * powers[j] }
                let weight = problem.sinrTargets[client] * interference / instance.gains[client][client]
                if weight <= min(room, instance.powerMax) { items.append((instance.predictedLoss[client], weight)) }
            }
            items.sort { $0.value * $1.weight > $1.value * $0.weight }
            var total = 0.0, left = room
            for item in items {
                if item.weight <= left {
                    total += item.value
                    left -= item.weight
                } else {
                    total += item.value * left / item.weight
                    break
                }
            }
            return total
        }

        mutating func explore(position: Int, chosen: [Int], powers: [Double], value: Double) {
            nodes += 1
            if value > bestValue {
                bestValue = value
                best = chosen
                bestPowers = powers
            }
            guard position < order.count, nodes <= nodeLimit,
                value + bound(position: position, powers: powers) > bestValue * (1 + 1e-12)
            else { return }
            let client = order[position]
            let extended = chosen + [client]
            if let grown = problem.minimalPowers(for: extended) {
                explore(
                    position: position + 1, chosen: extended, powers: grown,
                    value: value + problem.instance.predictedLoss[client])
            }
            explore(position: position + 1, chosen: chosen, powers: powers, value: value)
        }
    }
}
