extension GSCLOSolver {
    /// Exact: with `p_t = c_t(x_t)`, P_GS is the knapsack "value L_t, weight c_t(1) − c_t(0),
    /// capacity T·P − Σ c_t(0)", solved to proven optimality.
    ///
    /// Nearly equal gains (strong line of sight, K = 30 dB) make the weights nearly equal, and
    /// plain branch and bound then wades through many near-ties. When a quick plain attempt
    /// fails, an exact reduction keeps it smaller: variable fixing by reduced value against a Lagrangian bound that also uses the
    /// implied cardinality limit (`KnapsackReduction`); the free core is then solved by
    /// Common/Knapsack. The better of core optimum and incumbent is optimal. Near-ties can still
    /// need many nodes; past `options.exactNodeLimit` the solver throws rather than guess.
    static func exact(
        _ instance: GSCLOInstance, costs: FrameCosts, options: GSCLOSolverOptions
    ) throws -> Decision {
        let capacity = max(0, instance.totalBudget - costs.pose.reduce(0, +))
        let (x, nodes) = try solveKnapsack(
            values: instance.losses, weights: costs.increment, capacity: capacity, options: options, solver: .exact)
        return Decision(x: x, powers: tightPowers(x, costs), iterations: nodes)
    }

    /// A 0/1 knapsack solved to proven optimality: plain Common/Knapsack branch and bound first,
    /// with a small node budget (enough for almost every instance); if that does not prove
    /// optimality, `KnapsackReduction` and branch and bound on the free core up to the node cap.
    /// Returns the chosen items and the nodes expanded.
    static func solveKnapsack(
        values: [Double], weights: [Double], capacity: Double, options: GSCLOSolverOptions,
        solver: GSCLOSolverName, quickNodeLimit: Int = 200_000
    ) throws -> (chosen: [Bool], nodes: Int) {
        let quickLimit = min(options.exactNodeLimit, quickNodeLimit)
        let quick = try Knapsack(values: values, weights: weights, capacity: capacity).solve(nodeLimit: quickLimit)
        if quick.provenOptimal { return (quick.chosen, quick.nodes) }
        let reduced = KnapsackReduction(values: values, weights: weights, capacity: capacity)
        guard !reduced.free.isEmpty else { return (reduced.fixed, 1) }
        let knapsack = try Knapsack(
            values: reduced.free.map { values[$0] }, weights: reduced.free.map { weights[$0] },
            capacity: reduced.residualCapacity)
        let solution = knapsack.solve(nodeLimit: options.exactNodeLimit)
        guard solution.provenOptimal else {
            throw OptimizerError(
                .numerical, "\(solver.rawValue): branch and bound hit its node limit after \(solution.nodes) nodes")
        }
        guard reduced.fixedValue + solution.value > reduced.incumbentValue else {
            return (reduced.incumbent, quickLimit + solution.nodes)
        }
        var chosen = reduced.fixed
        for (position, item) in reduced.free.enumerated() { chosen[item] = solution.chosen[position] }
        return (chosen, quickLimit + solution.nodes)
    }
}

/// Exact variable fixing for a 0/1 knapsack `max Σ v x, Σ w x ≤ C` (all w > 0), with the
/// implied cardinality limit `Σ x ≤ k` (k = how many of the cheapest items fit).
///
/// Relaxing both constraints with multipliers r, μ ≥ 0 gives the bound
/// `L(r, μ) = rC + μk + Σ_j max(0, v_j − r·w_j − μ)`; forcing item j against the sign of its
/// reduced value `d_j = v_j − r·w_j − μ` lowers it to `L − |d_j|`. For each μ the best r is the
/// Dantzig critical ratio of the values `v − μ`; μ is chosen by ternary search (the bound is
/// convex in μ). Items whose forced bound falls below the incumbent keep their relaxed value in
/// every optimum; the rest form the core.
struct KnapsackReduction {
    /// Decisions of the fixed items (free items false).
    var fixed: [Bool]
    /// Σ v over the items fixed at 1.
    var fixedValue = 0.0
    /// The items left to decide.
    var free: [Int] = []
    /// C minus the weight of the items fixed at 1.
    var residualCapacity: Double
    /// The best greedy solution and its value.
    var incumbent: [Bool]
    var incumbentValue = 0.0

    init(values: [Double], weights: [Double], capacity: Double) {
        let n = values.count
        fixed = [Bool](repeating: false, count: n)
        incumbent = fixed
        residualCapacity = capacity
        let candidates = (0..<n).filter { values[$0] > 0 && weights[$0] <= capacity }
        var cardinality = 0, cheapestSpent = 0.0
        for weight in candidates.map({ weights[$0] }).sorted() where cheapestSpent + weight <= capacity {
            cheapestSpent += weight
            cardinality += 1
        }
        func relaxation(_ mu: Double) -> (bound: Double, ratio: Double, greedy: [Bool], greedyValue: Double) {
            let order = candidates.filter { values[$0] > mu }.sorted {
                (values[$0] - mu) / weights[$0] > (values[$1] - mu) / weights[$1]
            }
            var bound = mu * Double(cardinality), room = capacity, ratio = 0.0, broken = false
            var greedy = [Bool](repeating: false, count: n), greedyValue = 0.0, greedyRoom = capacity, taken = 0
            for item in order {
                if !broken {
                    if weights[item] <= room {
                        bound += values[item] - mu
                        room -= weights[item]
                    } else {
                        ratio = (values[item] - mu) / weights[item]
                        bound += ratio * room
                        broken = true
                    }
                }
                if taken < cardinality, weights[item] <= greedyRoom {
                    greedy[item] = true
                    greedyValue += values[item]
                    greedyRoom -= weights[item]
                    taken += 1
                }
            }
            return (bound, ratio, greedy, greedyValue)
        }
        // Ternary search for the μ with the smallest bound, keeping the best greedy incumbent.
        var low = 0.0, high = candidates.map { values[$0] }.max() ?? 0
        var best = relaxation(0), bestMu = 0.0
        incumbent = best.greedy
        incumbentValue = best.greedyValue
        for _ in 0..<60 where high - low > 1e-12 * max(high, 1e-300) {
            let a = low + (high - low) / 3, b = high - (high - low) / 3
            let (ra, rb) = (relaxation(a), relaxation(b))
            for r in [ra, rb] where r.greedyValue > incumbentValue {
                incumbent = r.greedy
                incumbentValue = r.greedyValue
            }
            if ra.bound < best.bound { (best, bestMu) = (ra, a) }
            if rb.bound < best.bound { (best, bestMu) = (rb, b) }
            if ra.bound <= rb.bound { high = b } else { low = a }
        }
        let margin = 1e-12 * max(best.bound, 1e-300)
        for item in candidates {
            let reduced = values[item] - best.ratio * weights[item] - bestMu
            let settled = best.bound - abs(reduced) < incumbentValue - margin
            if settled && reduced > 0 {
                fixed[item] = true
                fixedValue += values[item]
                residualCapacity -= weights[item]
            } else if !settled {
                free.append(item)
            }
        }
        residualCapacity = max(residualCapacity, 0)
    }
}
