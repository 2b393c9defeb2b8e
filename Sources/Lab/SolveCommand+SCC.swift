import ArgumentParser
import Foundation
import Optimizers

/// Solves an SCC (`"problem": "scc"`) instance for `gs-lab solve`: the result is a front
/// (`{"solver", "time_s", "front"}`), not a single-decision `SolverResult`.
func solveSCC(instanceData: Data, solver: String, seed: UInt64) throws -> SCCResult {
    let instance = try SCCInstance.decode(json: instanceData)
    guard let name = SCCSolverName(argument: solver) else {
        let known = SCCSolverName.allCases.map(\.rawValue).joined(separator: ", ")
        throw OptimizerError(.unknownSolver, "unknown SCC solver '\(solver)' (known: \(known))")
    }
    var options = SCCSolverOptions()
    options.seed = seed
    options.nsga2.seed = seed
    options.moead.seed = seed
    return try SCCSolvers.solve(instance, with: name, options: options)
}
