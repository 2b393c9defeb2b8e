import Foundation

extension GSCLOSolver {
    /// The low-power solvers (§VI-A): minimise the mean power subject to a loss threshold.
    static func lowPower(
        _ instance: GSCLOInstance, costs: FrameCosts, solver: GSCLOSolverName,
        options: GSCLOSolverOptions
    ) throws -> Decision {
        guard let threshold = instance.lossThreshold else {
            throw OptimizerError(.invalidInstance, "solver '\(solver.rawValue)' needs 'L_th'")
        }
        switch solver {
        case .lowpower:
            // Q'_GS (eq. 29): x_t = 1 iff L_t > L_th, p_t = c_t(x_t).
            let x = instance.losses.map { $0 > threshold }
            return Decision(x: x, powers: tightPowers(x, costs), iterations: 1)
        case .qgs:
            return try qgsExact(instance, costs: costs, threshold: threshold, options: options)
        default:
            return qgsPenalty(instance, costs: costs, threshold: threshold, options: options)
        }
    }

    /// Q_GS exactly: choosing the set Z of frames sent as poses saves Σ_Z (c_t(1) − c_t(0)) over
    /// all-images and costs Σ_Z L_t of loss, so Q_GS is the knapsack "value c_t(1) − c_t(0),
    /// weight L_t, capacity T·L_th" (Common/Knapsack, proven optimal).
    static func qgsExact(
        _ instance: GSCLOInstance, costs: FrameCosts, threshold: Double, options: GSCLOSolverOptions
    ) throws -> Decision {
        let poses = try Knapsack(values: costs.increment, weights: instance.losses, capacity: Double(instance.frames) * threshold)
            .optimum(nodeLimit: options.exactNodeLimit, solver: GSCLOSolverName.qgs.rawValue)
        let x = poses.chosen.map { !$0 }
        return Decision(x: x, powers: tightPowers(x, costs), iterations: poses.nodes)
    }

    /// Q_GS by the penalty method, the APO recipe applied to Q_GS: relax x, add
    /// (1/β')Σx(1−x) with the DC surrogate, and solve each convex step
    ///
    ///     min (1/T)Σ c_t(x_t) + Σ (1/β')(1 − 2x_t⁽ⁿ⁾)x_t   s.t.  (1/T)Σ L_t(1 − x_t) ≤ L_th
    ///
    /// through its one-multiplier dual: for multiplier ν the frames decouple into
    /// `min a_t x + (1/T)c_t(x)` with `a_t = (1/β')(1 − 2x_t⁽ⁿ⁾) − νL_t/T` (closed form), the
    /// loss is non-increasing in ν, and ν* is found by bisection on log ν. Starts from Q'_GS's
    /// closed form (feasible for Q_GS); β' = T²/(penaltyScale·Σ(c_t(1) − c_t(0))) unless β is set.
    /// The final point is rounded at 1/2, images are added (most loss per watt first) until
    /// the loss constraint holds, and images are pruned (least loss per watt first) while it
    /// keeps holding.
    static func qgsPenalty(
        _ instance: GSCLOInstance, costs: FrameCosts, threshold: Double, options: GSCLOSolverOptions
    ) -> Decision {
        let frames = Double(instance.frames)
        let lossBudget = frames * threshold
        let inverseBeta =
            1
            / (options.beta
                ?? frames * frames / (options.penaltyScale * max(costs.increment.reduce(0, +), .leastNormalMagnitude)))
        var x = instance.losses.map { $0 > threshold ? 1.0 : 0.0 }
        var iterations = 0
        while iterations < options.maxIterations {
            let penalty = x.map { inverseBeta * (1 - 2 * $0) }
            func relaxed(_ nu: Double) -> [Double] {
                instance.losses.indices.map { t in
                    costs.minimiser(t, linear: penalty[t] - nu * instance.losses[t] / frames, weight: 1 / frames)
                }
            }
            func lostLoss(_ point: [Double]) -> Double {
                zip(instance.losses, point).reduce(0) { $0 + $1.0 * (1 - $1.1) }
            }
            var next = relaxed(0)
            if lostLoss(next) > lossBudget {
                // At ν_max every frame with L_t > 0 is pushed to x_t = 1 (zero lost loss).
                var top = 0.0
                for t in x.indices where instance.losses[t] > 0 {
                    top = max(top, frames * (penalty[t] + costs.slopeAtImage[t] / frames) / instance.losses[t])
                }
                let logTop = log(max(top, .leastNormalMagnitude)) + 1
                let logNu = Bisection.smallestTrue(low: logTop - 80, high: logTop, tolerance: 1e-13) {
                    lostLoss(relaxed(exp($0))) <= lossBudget
                }
                next = relaxed(exp(logNu))
            }
            var step = 0.0
            for t in x.indices { step += (next[t] - x[t]) * (next[t] - x[t]) }
            x = next
            iterations += 1
            if step.squareRoot() < options.tolerance { break }
        }
        var binary = x.map { $0 >= 0.5 }
        completeLossConstraint(&binary, instance: instance, costs: costs, lossBudget: lossBudget)
        return Decision(x: binary, powers: tightPowers(binary, costs), iterations: iterations)
    }

    /// Adds images until Σ_{x=0} L_t ≤ lossBudget, then removes the costliest ones per unit of
    /// loss while the constraint still holds.
    private static func completeLossConstraint(
        _ x: inout [Bool], instance: GSCLOInstance, costs: FrameCosts, lossBudget: Double
    ) {
        let losses = instance.losses
        var lost = 0.0
        for t in x.indices where !x[t] { lost += losses[t] }
        let ratio = { (t: Int) in losses[t] / costs.increment[t] }
        for t in x.indices.filter({ !x[$0] }).sorted(by: { ratio($0) > ratio($1) }) where lost > lossBudget {
            x[t] = true
            lost -= losses[t]
        }
        for t in x.indices.filter({ x[$0] }).sorted(by: { ratio($0) < ratio($1) })
        where lost + losses[t] <= lossBudget {
            x[t] = false
            lost += losses[t]
        }
    }

    /// The GS power-saving factor ΔP of eq. (33): Σ_t 1[L_t ≤ L_th]·(c_t(1) − c_t(0)), the
    /// power Q'_GS saves over RoboMR's all-images (which needs Σ_t c_t(1)).
    public static func powerSaving(_ instance: GSCLOInstance, threshold: Double) -> Double {
        let costs = FrameCosts(instance)
        var saving = 0.0
        for t in instance.losses.indices where instance.losses[t] <= threshold { saving += costs.increment[t] }
        return saving
    }
}

extension GSCLOInstance {
    /// Checks a low-power decision (objective: mean power) against its own constraints: every
    /// `p_t ≥ c_t(x_t)`, and the loss threshold — per frame for `lowpower` (Q'_GS), on average
    /// for `qgs` and `qgs-penalty` (Q_GS). The budget P does not apply to these problems.
    func lowPowerResult(
        _ decision: GSCLOSolver.Decision, costs: FrameCosts, solver: GSCLOSolverName, seconds: Double
    ) throws -> SolverResult {
        let threshold = lossThreshold ?? 0
        var violation = 0.0, feasible = true
        for t in decision.x.indices {
            let need = decision.x[t] ? costs.image[t] : costs.pose[t]
            if need - decision.powers[t] > Self.relativeTolerance * need { feasible = false }
            violation = max(violation, need - decision.powers[t])
        }
        let lossExcess: Double
        if solver == .lowpower {
            lossExcess = decision.x.indices.map { decision.x[$0] ? -threshold : losses[$0] - threshold }.max() ?? 0
        } else {
            lossExcess = meanLoss(decision.x) - threshold
        }
        if lossExcess > Self.relativeTolerance * max(threshold, 1e-12) { feasible = false }
        violation = max(violation, lossExcess, 0)
        return SolverResult(
            x: decision.x.map { $0 ? 1 : 0 }, powers: decision.powers,
            objective: decision.powers.reduce(0, +) / Double(frames), feasible: feasible,
            maxViolation: violation, timeSeconds: seconds, iterations: decision.iterations,
            solver: solver.rawValue)
    }
}
