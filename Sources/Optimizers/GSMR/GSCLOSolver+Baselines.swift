import Foundation

extension GSCLOSolver {
    /// RoboMR (vanilla, GS-unaware): uploads images in frame order while the budget, with the
    /// poses of all later frames reserved, still covers them; the frames it cannot afford fall
    /// back to poses so that its output stays feasible.
    static func roboMR(_ instance: GSCLOInstance, costs: FrameCosts) -> Decision {
        var x = [Bool](repeating: false, count: instance.frames)
        var spent = costs.pose.reduce(0, +)
        for t in x.indices where spent + costs.increment[t] <= instance.totalBudget {
            x[t] = true
            spent += costs.increment[t]
        }
        return Decision(x: x, powers: tightPowers(x, costs), iterations: 1)
    }

    /// MaxRate: every pose's power is reserved and the rest of the budget T·P is water-filled
    /// over the frames to maximise Σ log2(1 + g_t p_t/σ²); frames whose resulting rate carries
    /// I bits send the image. The allocated powers are reported (they may exceed c_t(x_t)).
    static func maxRate(_ instance: GSCLOInstance, costs: FrameCosts) -> Decision {
        let poses = costs.pose.reduce(0, +)
        let extra = WaterFilling.powers(
            gains: instance.gains, noise: instance.noise, budget: instance.totalBudget - poses)
        let powers = zip(costs.pose, extra).map { $0 + $1 }
        let x = powers.indices.map { powers[$0] >= costs.image[$0] }
        return Decision(x: x, powers: powers, iterations: 1)
    }

    /// Fairness (max-min rate): `p_t = κ/g_t` with Σp_t = T·P equalises every frame's SNR at
    /// κ/σ²; frames send images iff that common rate carries I bits (all or none).
    static func fairness(_ instance: GSCLOInstance, costs: FrameCosts) -> Decision {
        let inverseGains = instance.gains.map { 1 / $0 }
        let level = instance.totalBudget / inverseGains.reduce(0, +)
        let powers = inverseGains.map { level * $0 }
        let x = powers.indices.map { powers[$0] >= costs.image[$0] * (1 - GSCLOInstance.relativeTolerance) }
        // Keep the powers no smaller than what the chosen content needs (rounding slack only).
        let adjusted = powers.indices.map { max(powers[$0], x[$0] ? costs.image[$0] : costs.pose[$0]) }
        return Decision(x: x, powers: adjusted, iterations: 1)
    }

    /// Search: iterated local search (Common/IteratedLocalSearch, η flips per move) from all
    /// poses, accepting feasible moves that do not increase the mean loss.
    static func search(
        _ instance: GSCLOInstance, costs: FrameCosts, options: GSCLOSolverOptions
    ) throws -> Decision {
        let search = IteratedLocalSearch(
            flipsPerMove: options.flipsPerMove, iterations: options.searchIterations, seed: options.seed)
        let budget = instance.totalBudget * (1 + GSCLOInstance.relativeTolerance)
        let outcome = try search.run(start: [Bool](repeating: false, count: instance.frames)) { x in
            costs.totalPower(x) <= budget ? instance.meanLoss(x) : nil
        }
        return Decision(x: outcome.x, powers: tightPowers(outcome.x, costs), iterations: options.searchIterations)
    }

    /// MaxImg: the largest number of images within the budget — with unit values the knapsack
    /// is solved exactly by taking the cheapest increments first.
    static func maxImages(_ instance: GSCLOInstance, costs: FrameCosts) -> Decision {
        var x = [Bool](repeating: false, count: instance.frames)
        var spent = costs.pose.reduce(0, +)
        for t in x.indices.sorted(by: { costs.increment[$0] < costs.increment[$1] }) {
            guard spent + costs.increment[t] <= instance.totalBudget else { break }
            x[t] = true
            spent += costs.increment[t]
        }
        return Decision(x: x, powers: tightPowers(x, costs), iterations: 1)
    }
}
