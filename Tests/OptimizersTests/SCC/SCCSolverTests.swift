import Foundation
import Testing
@testable import Optimizers

/// Every solver on generated instances of both cities.
@Suite("SCC solvers")
struct SCCSolverTests {
    static var fastOptions: SCCSolverOptions {
        var options = SCCSolverOptions()
        options.randomSamples = 100
        options.nsga2.generations = 30
        options.moead.generations = 30
        options.nsga2.populationSize = 30
        options.moead.subproblems = 30
        return options
    }

    /// No solver returns an infeasible assignment, and every front is mutually non-dominated,
    /// sorted by latency, with objectives the instance's own formulas confirm.
    @Test(arguments: SCCSolverName.allCases.filter { $0 != .exact }, [SCCCity.california, .virginia])
    func frontsAreFeasibleAndNonDominated(solver: SCCSolverName, city: SCCCity) throws {
        for seed in 1...3 as ClosedRange<UInt64> {
            let instance = try SCCTestInstances.small(seed: seed, city: city)
            let result = try SCCSolvers.solve(instance, with: solver, options: Self.fastOptions)
            #expect(!result.front.isEmpty)
            #expect(result.solver == solver.rawValue)
            for point in result.front {
                #expect(point.feasible)
                #expect(try instance.feasibility(point.assign).isFeasible)
            }
            let objectives = result.front.map(\.objectives)
            #expect(Pareto.nonDominatedIndices(objectives).count == objectives.count)
            #expect(objectives.map(\.latency) == objectives.map(\.latency).sorted())
        }
    }

    /// On tiny instances every heuristic's front is weakly dominated by the exact one, and the
    /// exact solver's answer (enumerated front) is feasible.
    @Test func heuristicsNeverBeatTheExactFront() throws {
        for seed in 0..<30 as Range<UInt64> {
            let instance = try SCCTestInstances.tiny(seed: seed)
            let exact = try SCCSolvers.solve(instance, with: .exact, options: Self.fastOptions)
            var archive = ParetoArchive()
            for point in exact.front {
                #expect(point.feasible)
                archive.insert(point.objectives, genome: [])
            }
            for solver in SCCSolverName.allCases where solver != .exact {
                for point in try SCCSolvers.solve(instance, with: solver, options: Self.fastOptions).front {
                    let dominated = archive.points.contains {
                        $0.latency <= point.latency * (1 + 1e-9) && $0.energy <= point.energy * (1 + 1e-9)
                    }
                    #expect(dominated, "\(solver) seed \(seed)")
                }
            }
        }
    }

    /// Above the enumeration limit `exact` returns weighted-sum optima, each feasible and
    /// no worse on its weight than Weight-Greedy's.
    @Test func exactSupportedPointsOnASmallInstance() throws {
        var scenario = SCCScenario()
        scenario.users = 6
        scenario.spaces = 3
        scenario.mecs = 3
        let instance = try scenario.network(seed: 5, cells: SCCTestInstances.tinyCells).instance
        var options = Self.fastOptions
        options.exactFrontSpace = 1
        options.weightPoints = 5
        let exact = try SCCSolvers.solve(instance, with: .exact, options: options)
        let greedy = try SCCSolvers.solve(instance, with: .weightgreedy, options: options)
        #expect(exact.front.allSatisfy { $0.feasible })
        let reference = SCCEvaluator(instance).reference
        for w in options.weightGrid {
            func value(_ p: SCCFrontPoint) -> Double { w * p.latency / reference.latency + (1 - w) * p.energy / reference.energy }
            let exactBest = exact.front.map(value).min()!, greedyBest = greedy.front.map(value).min()!
            #expect(exactBest <= greedyBest * (1 + 1e-12))
        }
    }

    @Test func resultJSONHasTheSpecKeys() throws {
        let result = try SCCSolvers.solve(try SCCTestInstances.hand(cache: [5, 5], tasks: [3, 3]), with: .exact)
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(result)) as! [String: Any]
        #expect(object["solver"] as? String == "exact" && object["time_s"] is Double)
        let front = try #require(object["front"] as? [[String: Any]])
        #expect(!front.isEmpty)
        for point in front {
            #expect(point["T_s"] is Double && point["E_J"] is Double && point["feasible"] as? Bool == true)
            let assign = try #require(point["assign"] as? [[Int]])
            #expect(assign[1][1] == -1)
        }
    }

    @Test func solverNamesAreStable() {
        #expect(SCCSolverName.allCases.map(\.rawValue) == ["random", "weightgreedy", "nsga2", "moead", "exact", "mocmpo"])
    }
}

@Suite("SCC greedy-seeded evolution")
struct SCCSeededEvolutionTests {
    /// Seeded runs start from Weight-Greedy's answers: MOEA/D's archive keeps covering them
    /// whatever happens, and NSGA-II's starting population (0 generations) holds them.
    @Test func seededFrontsCoverWeightGreedy() throws {
        let instance = try SCCTestInstances.small(seed: 6, city: .virginia)
        let evaluator = SCCEvaluator(instance)
        var options = SCCSolverTests.fastOptions
        options.seedWithWeightGreedy = true
        options.nsga2.generations = 0
        let greedy = try SCCSolvers.front(evaluator, with: .weightgreedy, options: options).points
        for solver in [SCCSolverName.nsga2, .moead] {
            let front = try SCCSolvers.front(evaluator, with: solver, options: options)
            for g in greedy {
                #expect(front.covers(g), "\(solver) lost a Weight-Greedy point")
            }
            for genome in front.genomes { #expect(evaluator.isFeasible(genome)) }
        }
    }
}
