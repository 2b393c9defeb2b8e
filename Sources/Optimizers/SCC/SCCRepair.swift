import SeededRandom

/// Greedy feasibility projection (the paper's §III-B: "a feasible neighbour … obtained via a
/// greedy algorithm … to enforce all constraints"): keep every gene that still fits, and move
/// the others to the feasible MEC that adds least to T̂ + Ê.
public enum SCCRepair {
    /// A feasible genome that agrees with `genome` wherever the constraints allow, or nil when
    /// some pair fits nowhere. Genes are kept in a random order (so no pair is always the one
    /// that loses its MEC); out-of-range genes are always moved.
    public static func project(
        _ genome: [Int], _ evaluator: SCCEvaluator, using generator: inout SeededGenerator
    ) -> [Int]? {
        var order = Array(0..<evaluator.pairCount)
        order.shuffle(using: &generator)
        var load = SCCLoad(evaluator)
        var result = genome
        var pending: [Int] = []
        for p in order {
            let m = genome[p]
            if m >= 0, m < evaluator.mecCount, load.canPlace(p, on: m) {
                load.place(p, on: m)
            } else {
                pending.append(p)
            }
        }
        for p in pending {
            guard let m = cheapestFeasible(p, load: load, evaluator, latencyWeight: 0.5) else { return nil }
            load.place(p, on: m)
            result[p] = m
        }
        return result
    }

    /// The MEC minimising w·ΔT/T_ref + (1−w)·ΔE/E_ref for pair p among those where it fits,
    /// or nil when it fits nowhere.
    public static func cheapestFeasible(
        _ p: Int, load: SCCLoad, _ evaluator: SCCEvaluator, latencyWeight w: Double
    ) -> Int? {
        var best: Int?, bestCost = Double.infinity
        for m in 0..<evaluator.mecCount where load.canPlace(p, on: m) {
            let cost = load.marginalCost(p, on: m, evaluator)
            let scalar = w * cost.latency / evaluator.reference.latency + (1 - w) * cost.energy / evaluator.reference.energy
            if scalar < bestCost {
                best = m
                bestCost = scalar
            }
        }
        return best
    }

    /// Greedy construction for the scalarised objective w·T̂ + (1−w)·Ê: pairs in descending
    /// q_{u,v} (the pairs that weigh most choose first), each on its cheapest feasible MEC
    /// given the replicas placed so far. Nil when some pair fits nowhere.
    public static func greedy(_ evaluator: SCCEvaluator, latencyWeight w: Double) -> [Int]? {
        let instance = evaluator.instance
        let order = evaluator.pairs.indices.sorted {
            let a = evaluator.pairs[$0], b = evaluator.pairs[$1]
            return (instance.probability[a.user][a.space], -$0) > (instance.probability[b.user][b.space], -$1)
        }
        var load = SCCLoad(evaluator)
        var genome = [Int](repeating: 0, count: evaluator.pairCount)
        for p in order {
            guard let m = cheapestFeasible(p, load: load, evaluator, latencyWeight: w) else { return nil }
            load.place(p, on: m)
            genome[p] = m
        }
        return genome
    }
}
