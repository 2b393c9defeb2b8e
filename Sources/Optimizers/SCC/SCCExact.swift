/// Exact SCC solvers by depth-first branch and bound over the pairs (grouped by space, so that
/// a space's replicas, and hence its synchronisation costs, are fixed early).
///
/// A partial assignment's (T, E) is exact for its pairs — each new replica pays maintenance and
/// synchronisation with the replicas already there — and every cost is non-negative, so adding
/// the cheapest MEC of each remaining pair, and one maintenance per space not yet placed, gives
/// a lower bound on every completion.
public struct SCCExact: Sendable {
    /// Nodes the search may visit before it fails rather than guess.
    public var nodeLimit = 50_000_000

    /// Default settings.
    public init() {}

    /// The search state shared by both searches.
    struct Search {
        let evaluator: SCCEvaluator
        let order: [Int]
        let boundLatency: [Double]
        let boundEnergy: [Double]
        var load: SCCLoad
        var genome: [Int]
        var nodes = 0

        init(_ evaluator: SCCEvaluator) {
            self.evaluator = evaluator
            let pairs = evaluator.pairs, mecs = evaluator.mecCount
            order = pairs.indices.sorted { (pairs[$0].space, $0) < (pairs[$1].space, $1) }
            var latency = [Double](repeating: 0, count: order.count + 1), energy = latency
            for depth in order.indices.reversed() {
                let p = order[depth]
                let slice = (p * mecs)..<((p + 1) * mecs)
                latency[depth] = latency[depth + 1] + (evaluator.pairLatency[slice].min() ?? 0)
                energy[depth] = energy[depth + 1] + (evaluator.pairEnergy[slice].min() ?? 0)
                // The first pair of a space (in this order) owes at least one copy's maintenance;
                // at any depth the spaces whose first pair is still to come have no copy yet.
                if depth == 0 || pairs[order[depth - 1]].space != pairs[p].space {
                    energy[depth] += evaluator.instance.maintenanceEnergy[pairs[p].space]
                }
            }
            boundLatency = latency
            boundEnergy = energy
            load = SCCLoad(evaluator)
            genome = [Int](repeating: 0, count: pairs.count)
        }

        /// Counts a node; throws past the limit.
        mutating func visit(limit: Int) throws {
            nodes += 1
            guard nodes <= limit else {
                throw OptimizerError(.numerical, "exact SCC search passed its node limit (\(limit)); the instance is too large")
            }
        }

        /// The MECs where the pair at `depth` fits, with the costs they add.
        func moves(at depth: Int) -> [(mec: Int, cost: SCCObjectives)] {
            let p = order[depth]
            return (0..<evaluator.mecCount).compactMap { m in
                load.canPlace(p, on: m) ? (m, load.marginalCost(p, on: m, evaluator)) : nil
            }
        }
    }

    /// The exact Pareto front: every non-dominated (T, E) of a feasible assignment, one
    /// assignment each. Throws `.numerical` past the node limit.
    public func front(_ evaluator: SCCEvaluator) throws -> ParetoArchive {
        var search = Search(evaluator)
        var archive = ParetoArchive()
        try explore(&search, depth: 0, partial: SCCObjectives(latency: 0, energy: 0), archive: &archive)
        return archive
    }

    private func explore(
        _ search: inout Search, depth: Int, partial: SCCObjectives, archive: inout ParetoArchive
    ) throws {
        try search.visit(limit: nodeLimit)
        if depth == search.order.count {
            // Re-evaluate with the evaluator so that fronts from different methods agree to the bit.
            archive.insert(search.evaluator.objectives(search.genome), genome: search.genome)
            return
        }
        let p = search.order[depth]
        for (m, cost) in search.moves(at: depth) {
            let next = SCCObjectives(latency: partial.latency + cost.latency, energy: partial.energy + cost.energy)
            let optimistic = SCCObjectives(
                latency: next.latency + search.boundLatency[depth + 1],
                energy: next.energy + search.boundEnergy[depth + 1])
            if archive.covers(optimistic) { continue }
            search.load.place(p, on: m)
            search.genome[p] = m
            try explore(&search, depth: depth + 1, partial: next, archive: &archive)
            search.load.remove(p, from: m)
        }
    }

    /// The assignment minimising w·T/T_ref + (1−w)·E/E_ref exactly, with its scalar value, or
    /// nil when no assignment is feasible. `incumbent` (a feasible genome, e.g. the greedy
    /// one) seeds the bound. Throws `.numerical` past the node limit.
    public func minimiseWeighted(
        _ evaluator: SCCEvaluator, latencyWeight w: Double, incumbent: [Int]? = nil
    ) throws -> (genome: [Int], value: Double)? {
        let reference = evaluator.reference
        func scalar(_ f: SCCObjectives) -> Double { w * f.latency / reference.latency + (1 - w) * f.energy / reference.energy }
        var search = Search(evaluator)
        var best: (genome: [Int], value: Double)? = incumbent.map { ($0, scalar(evaluator.objectives($0))) }
        func descend(_ depth: Int, _ partial: Double) throws {
            try search.visit(limit: nodeLimit)
            if depth == search.order.count {
                let value = scalar(evaluator.objectives(search.genome))
                if value < (best?.value ?? .infinity) { best = (search.genome, value) }
                return
            }
            let p = search.order[depth]
            let rest =
                w * search.boundLatency[depth + 1] / reference.latency
                + (1 - w) * search.boundEnergy[depth + 1] / reference.energy
            // Cheapest first, so that good incumbents come early.
            let moves = search.moves(at: depth).map { ($0.mec, scalar($0.cost)) }.sorted { $0.1 < $1.1 }
            for (m, cost) in moves {
                // Relative slack so that rounding never prunes an equal-valued optimum away.
                guard partial + cost + rest < (best?.value ?? .infinity) * (1 - 1e-12) else { break }
                search.load.place(p, on: m)
                search.genome[p] = m
                try descend(depth + 1, partial + cost)
                search.load.remove(p, from: m)
            }
        }
        try descend(0, 0)
        return best
    }
}
