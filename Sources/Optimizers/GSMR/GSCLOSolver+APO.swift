import Foundation

extension GSCLOSolver {
    /// How APO converged: ‖Δx‖₂ and the zero-one gap (1/T)Σx(1−x) after each DC step.
    public struct APOTrace: Sendable {
        /// ‖x⁽ⁿ⁾ − x⁽ⁿ⁻¹⁾‖₂ per iteration.
        public var stepNorms: [Double] = []
        /// (1/T) Σ x_t(1 − x_t) per iteration.
        public var binaryGaps: [Double] = []

        /// An empty trace.
        public init() {}
    }

    /// APO (Algorithm 1, §IV-C..E), run directly to expose its convergence trace.
    public static func apoWithTrace(
        _ instance: GSCLOInstance, options: GSCLOSolverOptions = .init()
    ) throws -> (result: SolverResult, trace: APOTrace) {
        let stopwatch = Stopwatch()
        let costs = FrameCosts(instance)
        try instance.requirePosesFit(costs)
        let (decision, trace) = apo(instance, costs: costs, options: options)
        return (instance.budgetResult(decision, costs: costs, solver: .apo, seconds: stopwatch.elapsedSeconds), trace)
    }

    /// The β actually used: the option, or the scale-free default `T²/(penaltyScale·ΣL)`.
    static func penaltyBeta(_ instance: GSCLOInstance, options: GSCLOSolverOptions) -> Double {
        if let beta = options.beta { return beta }
        let total = max(instance.losses.reduce(0, +), .leastNormalMagnitude)
        return Double(instance.frames * instance.frames) / (options.penaltyScale * total)
    }

    /// APO: relax x to [0, 1], add φ(x) = (1/β)Σx(1−x), and iterate the DC surrogate from the
    /// Ranking point. Step n+1 solves exactly
    ///
    ///     min_x Σ_t a_t x_t   s.t.  Σ_t c_t(x_t) ≤ T·P,  0 ≤ x ≤ 1,
    ///     a_t = −L_t/T + (1/β)(1 − 2x_t⁽ⁿ⁾)
    ///
    /// (the powers are eliminated since p_t = c_t(x_t) at any optimum, and constants dropped)
    /// through its one-multiplier dual; see `relaxedBudgetSolution`. After ‖Δx‖ < tolerance the
    /// point is rounded at 1/2, repaired to the budget and completed greedily (docs/GSMR.md).
    static func apo(
        _ instance: GSCLOInstance, costs: FrameCosts, options: GSCLOSolverOptions
    ) -> (decision: Decision, trace: APOTrace) {
        let frames = Double(instance.frames)
        var inverseBeta = 1 / penaltyBeta(instance, options: options)
        var x = ranking(instance, costs: costs).x.map { $0 ? 1.0 : 0.0 }
        var trace = APOTrace()
        var linear = [Double](repeating: 0, count: instance.frames)
        var iterations = 0
        while iterations < options.maxIterations {
            for t in linear.indices { linear[t] = -instance.losses[t] / frames + inverseBeta * (1 - 2 * x[t]) }
            let next = relaxedBudgetSolution(linear: linear, costs: costs, budget: instance.totalBudget)
            var step = 0.0, gap = 0.0
            for t in x.indices {
                step += (next[t] - x[t]) * (next[t] - x[t])
                gap += next[t] * (1 - next[t])
            }
            x = next
            iterations += 1
            trace.stepNorms.append(step.squareRoot())
            trace.binaryGaps.append(gap / frames)
            if step.squareRoot() < options.tolerance { break }
            inverseBeta *= options.penaltyGrowth
        }
        var binary = x.map { $0 >= 0.5 }
        GreedyCompletion.repair(
            &binary, losses: instance.losses, pose: costs.pose, image: costs.image, budget: instance.totalBudget)
        GreedyCompletion.fill(
            &binary, losses: instance.losses, pose: costs.pose, image: costs.image, budget: instance.totalBudget)
        return (Decision(x: binary, powers: tightPowers(binary, costs), iterations: iterations), trace)
    }

    /// The exact solution of `min Σ a_t x_t s.t. Σ c_t(x_t) ≤ budget, 0 ≤ x ≤ 1` (convex: linear
    /// objective, convex increasing c_t), through its Lagrangian dual with one multiplier λ ≥ 0.
    ///
    /// For fixed λ the problem separates into 1-D problems `min a_t x + λ c_t(x)` with the closed
    /// form of `FrameCosts.minimiser`. The spend `S(λ) = Σ c_t(x_t(λ))` is continuous and
    /// non-increasing, so: if S(0) ≤ budget, λ* = 0; otherwise λ* is the smallest λ with
    /// S(λ) ≤ budget, found by bisection on log λ up to λ_max = max_t (−a_t)/c_t'(0), where every
    /// x_t is 0 and S = Σ c_t(0) ≤ budget. Complementary slackness then holds and x(λ*) is
    /// optimal (the bisection stops on the feasible side, 1e−13 in log λ from λ*).
    static func relaxedBudgetSolution(linear: [Double], costs: FrameCosts, budget: Double) -> [Double] {
        func spend(_ multiplier: Double) -> Double {
            var total = 0.0
            for t in linear.indices { total += costs.costAtMinimiser(t, linear: linear[t], weight: multiplier) }
            return total
        }
        var multiplier = 0.0
        if spend(0) > budget {
            // Below λ_min = min_t (−a_t)/c_t'(1) every frame with a_t < 0 sits at x = 1 and the
            // spend is S(0) > budget; above λ_max = max_t (−a_t)/c_t'(0) every frame sits at 0.
            var smallest = Double.infinity, largest = 0.0
            for t in linear.indices where linear[t] < 0 {
                smallest = min(smallest, -linear[t] / costs.slopeAtImage[t])
                largest = max(largest, -linear[t] / costs.slopeAtPose[t])
            }
            // 1e−10 in log λ moves any x_t by < 3e−11, far below APO's stopping tolerance.
            let logMultiplier = Bisection.smallestTrue(low: log(smallest), high: log(largest), tolerance: 1e-10) {
                spend(exp($0)) <= budget
            }
            multiplier = exp(logMultiplier)
        }
        return linear.indices.map { costs.minimiser($0, linear: linear[$0], weight: multiplier) }
    }

    /// Rounding baseline: the continuous relaxation without penalty (one exact dual solve with
    /// a_t = −L_t/T), rounded at 1/2 and repaired to the budget — no greedy completion.
    static func rounding(_ instance: GSCLOInstance, costs: FrameCosts) -> Decision {
        let linear = instance.losses.map { -$0 / Double(instance.frames) }
        let relaxed = relaxedBudgetSolution(linear: linear, costs: costs, budget: instance.totalBudget)
        var x = relaxed.map { $0 >= 0.5 }
        GreedyCompletion.repair(
            &x, losses: instance.losses, pose: costs.pose, image: costs.image, budget: instance.totalBudget)
        return Decision(x: x, powers: tightPowers(x, costs), iterations: 1)
    }
}
