/// The STT-GS stage-2 solvers by name (`gs-lab solve --solver NAME`, the daemon).
public enum STTGSSolverName: String, CaseIterable, Sendable, Codable {
    /// Algorithm 3 (PAMM) with binarisation and repair.
    case pamm
    /// Branch and bound over client subsets: the optimum.
    case exact
    /// Sum-rate water-filling powers, serve who meets η.
    case maxrate
    /// Max-min SINR powers (Perron–Frobenius), serve who meets η.
    case fairness
    /// By predicted loss only, equal power split.
    case activelearning
    /// Everyone, no limits: the upper bound.
    case unrestricted

    /// Parses a name, throwing `.unknownSolver` with the list of known names.
    public init(validating name: String) throws {
        guard let solver = STTGSSolverName(rawValue: name) else {
            let known = Self.allCases.map(\.rawValue).joined(separator: ", ")
            throw OptimizerError(.unknownSolver, "unknown STT-GS solver '\(name)'; known: \(known)")
        }
        self = solver
    }

    /// Solves the stage-2 problem and reports the SPEC result with its own feasibility check.
    public func solve(_ problem: STTGSStageTwo, pamm options: PAMM.Options = PAMM.Options()) throws -> SolverResult {
        let clock = Stopwatch()
        let x: [Int], powers: [Double], iterations: Int
        switch self {
        case .pamm:
            let solution = try PAMM(options: options).solve(problem)
            (x, powers, iterations) = (solution.x, solution.powers, solution.iterations)
        case .exact:
            let solution = try ExactSelection().solve(problem)
            (x, powers, iterations) = (solution.x, solution.powers, solution.nodes)
        case .maxrate:
            (x, powers) = STTGSBaselines.maxRate(problem)
            iterations = 1
        case .fairness:
            let solution = try STTGSBaselines.fairness(problem)
            (x, powers, iterations) = (solution.x, solution.powers, 1)
        case .activelearning:
            (x, powers) = STTGSBaselines.activeLearning(problem)
            iterations = 1
        case .unrestricted:
            (x, powers) = STTGSBaselines.unrestricted(problem)
            iterations = 0
        }
        return problem.result(x: x, powers: powers, seconds: clock.elapsedSeconds, iterations: iterations, solver: rawValue)
    }
}
