/// The GSMR solvers (GSCLO): `GSCLOSolver.solve(instance, with: .apo)` runs any registered
/// algorithm and returns the SPEC result with its own feasibility report.
public enum GSCLOSolver: SolverFamily {
    public typealias Instance = GSCLOInstance
    public typealias Name = GSCLOSolverName
    public typealias Options = GSCLOSolverOptions

    /// A solver's decision before it is checked and timed.
    struct Decision {
        var x: [Bool]
        var powers: [Double]
        var iterations: Int
    }

    /// Runs `solver` on `instance`.
    public static func solve(
        _ instance: GSCLOInstance, with solver: GSCLOSolverName, options: GSCLOSolverOptions = .init()
    ) throws(OptimizerError) -> SolverResult {
        try OptimizerError.catching { try run(solver, on: instance, options: options) }
    }

    private static func run(
        _ solver: GSCLOSolverName, on instance: GSCLOInstance, options: GSCLOSolverOptions
    ) throws -> SolverResult {
        let stopwatch = Stopwatch()
        let costs = FrameCosts(instance)
        switch solver {
        case .bils:
            let robust = try RobustCosts(instance)
            try instance.requirePosesFit(robust.costs)
            let decision = try bils(instance, robust: robust, options: options)
            return robust.result(instance, decision, solver: solver, seconds: stopwatch.elapsedSeconds)
        case .lowpower, .qgs, .qgsPenalty:
            let decision = try lowPower(instance, costs: costs, solver: solver, options: options)
            return try instance.lowPowerResult(
                decision, costs: costs, solver: solver, seconds: stopwatch.elapsedSeconds)
        default:
            try instance.requirePosesFit(costs)
            let decision = try budgetDecision(instance, costs: costs, solver: solver, options: options)
            return instance.budgetResult(decision, costs: costs, solver: solver, seconds: stopwatch.elapsedSeconds)
        }
    }

    /// The P_GS solvers (power budget, loss objective).
    static func budgetDecision(
        _ instance: GSCLOInstance, costs: FrameCosts, solver: GSCLOSolverName,
        options: GSCLOSolverOptions
    ) throws -> Decision {
        switch solver {
        case .ranking: return ranking(instance, costs: costs)
        case .apo: return apo(instance, costs: costs, options: options).decision
        case .exact: return try exact(instance, costs: costs, options: options)
        case .robomr: return roboMR(instance, costs: costs)
        case .robogs: return Decision(x: .init(repeating: false, count: instance.frames), powers: costs.pose, iterations: 0)
        case .maxrate: return maxRate(instance, costs: costs)
        case .fairness: return fairness(instance, costs: costs)
        case .search: return try search(instance, costs: costs, options: options)
        case .rounding: return rounding(instance, costs: costs)
        case .maximg: return maxImages(instance, costs: costs)
        case .bils, .lowpower, .qgs, .qgsPenalty:
            preconditionFailure("\(solver) does not solve P_GS; solve(_:with:options:) dispatches it")
        }
    }

    /// Powers `c_t(x_t)`: the least power that carries each frame's content.
    static func tightPowers(_ x: [Bool], _ costs: FrameCosts) -> [Double] {
        x.indices.map { x[$0] ? costs.image[$0] : costs.pose[$0] }
    }
}

extension GSCLOInstance {
    /// Checks a P_GS decision and wraps it as the SPEC result (objective: mean loss).
    func budgetResult(
        _ decision: GSCLOSolver.Decision, costs: FrameCosts, solver: GSCLOSolverName, seconds: Double
    ) -> SolverResult {
        let check = budgetFeasibility(x: decision.x, powers: decision.powers) { t, image in
            image ? costs.image[t] : costs.pose[t]
        }
        return SolverResult(
            x: decision.x.map { $0 ? 1 : 0 }, powers: decision.powers, objective: meanLoss(decision.x),
            feasible: check.feasible, maxViolation: check.violation, timeSeconds: seconds,
            iterations: decision.iterations, solver: solver.rawValue)
    }
}
