import Foundation
import Optimizers

/// Solves an STT-GS (`"problem": "sttgs"`) instance for `gs-lab solve`. PAMM's β, stopping
/// tolerance and outer-iteration cap come from the shared tuning flags when given (γ, J and
/// the polish keep their documented defaults, see docs/STTGS.md).
func solveSTTGS(
    instanceData: Data, solver: String, beta: Double? = nil, tolerance: Double? = nil, maxIterations: Int? = nil
) throws -> SolverResult {
    let name = try STTGSSolverName(validating: solver)
    let problem = try STTGSInstance.decode(from: instanceData).stageTwo()
    var options = PAMM.Options()
    if let beta { options.beta = beta }
    if let tolerance { options.tolerance = tolerance }
    if let maxIterations { options.outerIterations = maxIterations }
    return try name.solve(problem, pamm: options)
}
