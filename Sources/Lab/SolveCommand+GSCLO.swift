import Foundation
import Optimizers

/// Solves a GSMR (`"problem": "gsclo"`) instance for `gs-lab solve`.
func solveGSCLO(instanceData: Data, solver: String, options: SolverTuningOptions) throws -> SolverResult {
    let instance = try GSCLOInstance.decode(instanceData)
    return try GSCLOSolver.solve(instance, solver: solver, options: options.gscloOptions)
}

extension SolverTuningOptions {
    /// The GSMR solvers' view of the tuning flags.
    var gscloOptions: GSCLOSolverOptions {
        GSCLOSolverOptions(
            beta: beta, penaltyScale: penaltyScale, penaltyGrowth: penaltyGrowth, tolerance: tolerance, maxIterations: maxIterations,
            searchIterations: searchIterations, seed: solverSeed,
            exactNodeLimit: exactNodeLimit)
    }
}
