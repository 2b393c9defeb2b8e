import Foundation
import Optimizers

/// Solves an ECO-GS (`"problem": "irac"`) instance for `gs-lab solve`. `modelPath` selects an
/// ILO model file for `--solver ilo` (nil: the model shipped with Optimizers).
func solveIRAC(
    instanceData: Data, solver: String, modelPath: String? = nil, searchIterations: Int = 2000, seed: UInt64 = 1
) throws -> SolverResult {
    let instance = try IRACInstance.decode(json: instanceData)
    var options = IRACSolverOptions()
    options.search = IteratedLocalSearch(flipsPerMove: 2, iterations: searchIterations, seed: seed)
    if let modelPath { options.iloModel = try ILOModel.load(from: URL(fileURLWithPath: modelPath)) }
    return try IRACSolvers.solve(instance, named: solver, options: options)
}
