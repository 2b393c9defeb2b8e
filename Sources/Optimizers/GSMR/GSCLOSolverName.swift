/// The registered GSMR solvers (issue 4), selectable by name from the daemon and `gs-lab solve`.
public enum GSCLOSolverName: String, SolverName, Codable {
    /// Sort by loss, largest prefix of images within budget (eq. 17–18).
    case ranking
    /// Penalty + DC iterations with an exact one-multiplier dual per subproblem (Algorithm 1).
    case apo
    /// Knapsack reduction solved to proven optimality by branch and bound.
    case exact
    /// Robust P'_GS: outage ≤ ε per frame, iterated local search from APO (Algorithm 2).
    case bils
    /// Q'_GS closed form (eq. 29): image iff L_t > L_th; minimises power, ignores P.
    case lowpower
    /// Q_GS exactly: minimum power subject to average loss ≤ L_th (a knapsack).
    case qgs
    /// Q_GS by the penalty (DC) method with an exact one-multiplier dual per step.
    case qgsPenalty = "qgs-penalty"
    /// Baseline: vanilla RoboMR, images in frame order while the budget lasts.
    case robomr
    /// Baseline: vanilla GS, poses only.
    case robogs
    /// Baseline: water-filling the budget for sum rate, images where the rate carries I.
    case maxrate
    /// Baseline: max-min rate (p_t ∝ 1/g_t), images where the common rate carries I.
    case fairness
    /// Baseline: iterated local search from all poses.
    case search
    /// Baseline: continuous relaxation without penalty, rounded at 0.5 and repaired.
    case rounding
    /// Baseline: the most images within the budget.
    case maximg

    /// Solvers whose problem is P_GS itself (objective: mean loss under the power budget).
    public static let budgetSolvers: [GSCLOSolverName] = [
        .ranking, .apo, .exact, .robomr, .robogs, .maxrate, .fairness, .search, .rounding, .maximg,
    ]

    /// Solvers of the low-power problems Q_GS and Q'_GS (objective: mean power under L_th; no budget).
    public static let lowPowerSolvers: Set<GSCLOSolverName> = [.lowpower, .qgs, .qgsPenalty]
}

/// Tuning knobs of the GSMR solvers; every default is documented in docs/GSMR.md.
public struct GSCLOSolverOptions: Sendable, Equatable {
    /// APO penalty parameter β of φ(x) = (1/β)Σx(1−x). nil: scale-free default
    /// `β = T² / (penaltyScale · Σ L_t)`, i.e. 1/β = penaltyScale × the mean per-frame
    /// objective weight L̄/T.
    public var beta: Double?
    /// Relative penalty weight used when `beta` is nil.
    public var penaltyScale: Double
    /// Factor by which 1/β grows after every DC iteration (1 = the paper's fixed β). A growing
    /// penalty drives the iterates to a binary point instead of a fractional stationary one.
    public var penaltyGrowth: Double
    /// DC stopping rule: ‖x⁽ⁿ⁺¹⁾ − x⁽ⁿ⁾‖₂ < tolerance.
    public var tolerance: Double
    /// DC iteration cap.
    public var maxIterations: Int
    /// Ī: moves of the iterated local searches (BILS and the Search baseline).
    public var searchIterations: Int
    /// η: entries flipped per local-search move.
    public var flipsPerMove: Int
    /// Seed of the local searches.
    public var seed: UInt64
    /// Node cap of `exact` and `qgs` (knapsack search states); beyond it the solver throws `.numerical`.
    public var exactNodeLimit: Int

    /// Options with the documented defaults.
    public init(
        beta: Double? = nil, penaltyScale: Double = 0.1, penaltyGrowth: Double = 1,
        tolerance: Double = 1e-4,
        maxIterations: Int = 200, searchIterations: Int = 1000, flipsPerMove: Int = 5,
        seed: UInt64 = 1, exactNodeLimit: Int = 50_000_000
    ) {
        self.beta = beta
        self.penaltyScale = penaltyScale
        self.penaltyGrowth = penaltyGrowth
        self.tolerance = tolerance
        self.maxIterations = maxIterations
        self.searchIterations = searchIterations
        self.flipsPerMove = flipsPerMove
        self.seed = seed
        self.exactNodeLimit = exactNodeLimit
    }
}
