import Foundation
import Optimizers

extension SolverTuningOptions {
    /// Every problem family's solvers, each reading the tuning flags it has.
    func registry() throws -> SolverRegistry {
        .all(gsclo: gscloOptions, irac: try iracOptions(), sttgs: sttgsOptions, scc: sccOptions)
    }

    /// The GSMR solvers' view of the tuning flags.
    var gscloOptions: GSCLOSolverOptions {
        GSCLOSolverOptions(
            beta: beta, penaltyScale: penaltyScale, penaltyGrowth: penaltyGrowth, tolerance: tolerance, maxIterations: maxIterations,
            searchIterations: searchIterations, seed: solverSeed,
            exactNodeLimit: exactNodeLimit)
    }

    /// The ECO-GS solvers' view: the Search baseline's moves and seed, and `--model` for ILO
    /// (nil: the model shipped with Optimizers).
    func iracOptions() throws -> IRACSolverOptions {
        var options = IRACSolverOptions()
        options.search = IteratedLocalSearch(flipsPerMove: 2, iterations: searchIterations, seed: solverSeed)
        if let model { options.iloModel = try ILOModel.load(from: URL(fileURLWithPath: model)) }
        return options
    }

    /// PAMM's view: β when given (γ, J and the polish keep their documented defaults, see
    /// docs/STTGS.md).
    var sttgsOptions: PAMM.Options {
        var options = PAMM.Options()
        if let beta { options.beta = beta }
        return options
    }

    /// The SCC solvers' view: one seed for Random, NSGA-II and MOEA/D.
    var sccOptions: SCCSolverOptions {
        var options = SCCSolverOptions()
        options.seed = solverSeed
        options.nsga2.seed = solverSeed
        options.moead.seed = solverSeed
        return options
    }
}
