/// The IRAC solvers selectable by name (`gs-lab solve --solver NAME`, the daemon).
public enum IRACSolverName: String, SolverName {
    case pmm, exact, usergs, edgegs, maxrate, greedy, search, rounding, ilo
}

/// Settings a caller may pass to any IRAC solver; each solver reads what concerns it.
public struct IRACSolverOptions: Sendable {
    /// PMM's configuration.
    public var pmm = IRACPenaltyMM()
    /// The Search baseline's configuration (η = 2 flips, 2000 moves).
    public var search = IteratedLocalSearch(flipsPerMove: 2, iterations: 2000, seed: 1)
    /// The ILO model; nil means the shipped one.
    public var iloModel: ILOModel?

    /// Default options.
    public init() {}
}

/// Runs IRAC solvers by name and packs their answers into SPEC result records.
public enum IRACSolvers: SolverFamily {
    public typealias Instance = IRACInstance
    public typealias Name = IRACSolverName
    public typealias Options = IRACSolverOptions

    /// Solves `instance` with `name`; the result's `feasible`, `max_violation` and `objective`
    /// come from the instance's own check.
    public static func solve(
        _ instance: IRACInstance, with name: IRACSolverName, options: IRACSolverOptions = IRACSolverOptions()
    ) throws(OptimizerError) -> SolverResult {
        let clock = Stopwatch()
        let (decision, iterations) = try OptimizerError.catching { try decide(instance, with: name, options: options) }
        return instance.result(
            decision, solver: name.rawValue, timeSeconds: clock.elapsedSeconds, iterations: iterations)
    }

    /// The decision and iteration count of solver `name`.
    public static func decide(
        _ instance: IRACInstance, with name: IRACSolverName, options: IRACSolverOptions = IRACSolverOptions()
    ) throws -> (IRACDecision, Int) {
        switch name {
        case .pmm:
            let outcome = options.pmm.solve(instance)
            return (outcome.decision, outcome.iterations)
        case .exact: return try IRACExact.solve(instance)
        case .usergs: return (IRACBaselines.userGS(instance), 0)
        case .edgegs: return (IRACBaselines.edgeGS(instance), 0)
        case .maxrate: return (IRACBaselines.maxRate(instance), 1)
        case .greedy: return (IRACBaselines.greedy(instance), instance.userCount)
        case .search: return try IRACBaselines.search(instance, configuration: options.search)
        case .rounding: return (IRACBaselines.rounding(instance), 1)
        case .ilo:
            let model = try options.iloModel ?? ILOModel.shipped()
            return (try model.decide(instance), 1)
        }
    }
}
