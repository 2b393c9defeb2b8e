/// What every solver returns (SPEC appendix "Result"): the decision, the powers, the
/// problem's own objective, a feasibility report, and what the solve cost.
public struct SolverResult: Codable, Sendable, Equatable, SolverSolution {
    /// Binary decisions, one per item (frame, user or client).
    public var x: [Int]
    /// Transmit powers in watts, one per item.
    public var powers: [Double]
    /// The problem's objective at (x, p), as SPEC defines it for that problem.
    public var objective: Double
    /// Whether (x, p) satisfies every constraint within the problem's tolerance.
    public var feasible: Bool
    /// The largest constraint violation (0 when every constraint holds).
    public var maxViolation: Double
    /// Wall-clock solve time in seconds.
    public var timeSeconds: Double
    /// Iterations the algorithm ran (its own notion: DC steps, B&B nodes, searches, …).
    public var iterations: Int
    /// The solver's registered name.
    public var solver: String

    /// A result; `feasible` and `maxViolation` should come from the problem's own check.
    public init(
        x: [Int], powers: [Double], objective: Double, feasible: Bool, maxViolation: Double,
        timeSeconds: Double, iterations: Int, solver: String
    ) {
        self.x = x
        self.powers = powers
        self.objective = objective
        self.feasible = feasible
        self.maxViolation = maxViolation
        self.timeSeconds = timeSeconds
        self.iterations = iterations
        self.solver = solver
    }

    enum CodingKeys: String, CodingKey {
        case x
        case powers = "p_W"
        case objective, feasible
        case maxViolation = "max_violation"
        case timeSeconds = "time_s"
        case iterations, solver
    }
}
