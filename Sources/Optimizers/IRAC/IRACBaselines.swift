/// The paper's comparison schemes (§5, SPEC §3 "Baselines").
public enum IRACBaselines {
    /// UserGS: every user renders locally with the small model (x = 0).
    public static func userGS(_ instance: IRACInstance) -> IRACDecision {
        instance.minimumPowerDecision([Bool](repeating: false, count: instance.userCount))
    }

    /// EdgeGS: every user is rendered on the edge, ignoring P's sufficiency, K_max and the
    /// latency budget; the budget is split equally (p_k = P/K). Usually infeasible — its
    /// `worstLatency` is the latency it would cause (paper Fig. 6).
    public static func edgeGS(_ instance: IRACInstance) -> IRACDecision {
        let share = instance.powerBudget / Double(instance.userCount)
        return IRACDecision(
            served: [Bool](repeating: true, count: instance.userCount),
            powers: [Double](repeating: share, count: instance.userCount))
    }

    /// MaxRate: sum-rate water-filling over all users, then serve (up to K_max, strongest
    /// channel first) the users whose water-filling power meets p_k^min; served users keep
    /// their water-filling power, the others get none.
    public static func maxRate(_ instance: IRACInstance) -> IRACDecision {
        let powers = WaterFilling.powers(
            gains: instance.channelGains, noise: instance.noisePower, budget: instance.powerBudget)
        let minimum = instance.minimumPowers
        let strongestFirst = instance.channelGains.indices.sorted { instance.channelGains[$0] > instance.channelGains[$1] }
        var served = [Bool](repeating: false, count: instance.userCount)
        for k in strongestFirst.filter({ powers[$0] >= minimum[$0] }).prefix(instance.maxUsers) {
            served[k] = true
        }
        return IRACDecision(served: served, powers: served.indices.map { served[$0] ? powers[$0] : 0 })
    }

    /// Greedy: largest Δ first, each user added when it still fits (power and K_max).
    public static func greedy(_ instance: IRACInstance) -> IRACDecision {
        let served = IRACBinarisation.fill(
            instance, [Bool](repeating: false, count: instance.userCount),
            order: IRACBinarisation.largestGainFirst(instance))
        return instance.minimumPowerDecision(served)
    }

    /// Search: iterated local search over x from UserGS, powers p = x p^min, accepting feasible
    /// moves that do not worsen the objective.
    public static func search(_ instance: IRACInstance, configuration: IteratedLocalSearch) throws -> (IRACDecision, Int) {
        let start = [Bool](repeating: false, count: instance.userCount)
        let outcome = try configuration.run(start: start) { served in
            instance.fits(served) ? instance.objective(served) : nil
        }
        return (instance.minimumPowerDecision(outcome.x), configuration.iterations)
    }

    /// Rounding: solve the continuous relaxation exactly, round at 0.5 and drop the
    /// least-valued users until feasible (no fill, as in plain relax-and-round).
    public static func rounding(_ instance: IRACInstance) -> IRACDecision {
        let relaxed = IRACRelaxedSubproblem(instance).solve(weights: instance.switchingGains).x
        return instance.minimumPowerDecision(IRACBinarisation.roundAndRepair(instance, scores: relaxed))
    }
}
