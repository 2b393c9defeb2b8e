import Foundation
import Optimizers
import Testing

@Suite struct ExactSelectionTests {
    /// Plain enumeration of all 2^K subsets with the eigenvalue-checked verdict: the reference.
    static func enumerate(_ problem: STTGSStageTwo) throws -> Double {
        var best = 0.0
        let k = problem.clientCount
        for mask in 0..<(1 << k) {
            let members = (0..<k).filter { mask & (1 << $0) != 0 }
            let verdict = try problem.power.verdict(
                targets: problem.sinrTargets, members: members,
                powerMax: problem.instance.powerMax, powerSum: problem.instance.powerSum)
            if case .feasible = verdict {
                best = max(best, members.reduce(0) { $0 + problem.instance.predictedLoss[$1] })
            }
        }
        return best
    }

    /// Instances where the budgets bind: some but not all clients fit.
    static func bindingProblems(count: Int, maxClients: Int, seed: UInt64) throws -> [STTGSStageTwo] {
        (0..<count).compactMap { trial in
            let instance = STTGSTestInstances.random(
                clients: 2 + trial % (maxClients - 1), seed: seed + UInt64(trial), load: 6 + Double(trial % 5) * 4)
            return try? instance.stageTwo()
        }
    }

    @Test func equalsPlainEnumerationUpToTwelveClients() throws {
        let problems = try Self.bindingProblems(count: 24, maxClients: 12, seed: 500)
        #expect(problems.count >= 15)
        var binding = 0
        for problem in problems {
            let exact = try ExactSelection().solve(problem)
            let reference = try Self.enumerate(problem)
            #expect(abs(exact.objective - reference) <= 1e-9 * max(1, reference))
            let result = problem.result(x: exact.x, powers: exact.powers, seconds: 0, iterations: 0, solver: "exact")
            #expect(result.feasible, "violation \(result.maxViolation)")
            #expect(abs(result.objective - exact.objective) < 1e-9 * max(1, reference))
            if exact.x.contains(0) && exact.x.contains(1) { binding += 1 }
        }
        #expect(binding >= 5, "too few instances where the budgets bind: \(binding)")
    }

    @Test func noHeuristicBeatsExact() throws {
        for problem in try Self.bindingProblems(count: 20, maxClients: 10, seed: 900) {
            let exact = try STTGSSolvers.solve(problem, with: .exact)
            for solver in STTGSSolverName.allCases where solver != .exact && solver != .unrestricted {
                let result = try STTGSSolvers.solve(problem, with: solver)
                #expect(result.feasible, "\(solver) infeasible: \(result.maxViolation)")
                #expect(result.objective <= exact.objective * (1 + 1e-12), "\(solver) beat exact")
            }
            let bound = try STTGSSolvers.solve(problem, with: .unrestricted)
            #expect(bound.objective >= exact.objective)
        }
    }
}
