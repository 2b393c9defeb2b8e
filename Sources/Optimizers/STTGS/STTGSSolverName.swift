import Foundation

/// The STT-GS stage-2 solvers by name (`gs-lab solve --solver NAME`, the daemon).
public enum STTGSSolverName: String, SolverName, Codable {
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

}

/// The STT-GS stage-2 solvers (client selection and powers, eq. 20) behind the solver contract.
/// An instance file holds the whole round (``STTGSInstance``); its solvers see stage 2.
public enum STTGSSolvers: SolverFamily {
    public typealias Name = STTGSSolverName
    public typealias Options = PAMM.Options

    public static let problemKey = STTGSInstance.problemKey

    /// Stage 2 of the round in an instance file.
    public static func decode(json data: Data) throws(OptimizerError) -> STTGSStageTwo {
        let instance = try STTGSInstance.decode(json: data)
        return try OptimizerError.catching { try instance.stageTwo() }
    }

    /// Solves the stage-2 problem and reports the SPEC result with its own feasibility check;
    /// `options` configure PAMM.
    public static func solve(
        _ problem: STTGSStageTwo, with name: STTGSSolverName, options: PAMM.Options = PAMM.Options()
    ) throws(OptimizerError) -> SolverResult {
        try OptimizerError.catching { try run(name, on: problem, options: options) }
    }

    private static func run(_ name: STTGSSolverName, on problem: STTGSStageTwo, options: PAMM.Options) throws -> SolverResult {
        let clock = Stopwatch()
        let x: [Int], powers: [Double], iterations: Int
        switch name {
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
        return problem.result(x: x, powers: powers, seconds: clock.elapsedSeconds, iterations: iterations, solver: name.rawValue)
    }
}
