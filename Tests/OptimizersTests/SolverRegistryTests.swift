import Foundation
import Testing

@testable import Optimizers

/// The one solver contract: a file of any problem reaches its family's solver through the
/// registry and gets exactly what a direct call to the family returns.
@Suite("Solver registry: dispatch by the instance's problem key")
struct SolverRegistryTests {
    /// The registry's answer to `instance` with `solver`, re-encoded for comparison.
    static func viaRegistry(_ instance: some Encodable, _ solver: String) throws -> Data {
        let data = try JSONEncoder().encode(instance)
        return try Self.encode(SolverRegistry.all().solve(json: data, solver: solver))
    }

    /// A solution's JSON without its wall time (the only field two runs may differ in).
    static func encode(_ solution: any SolverSolution) throws -> Data {
        var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(solution)) as! [String: Any]
        object["time_s"] = nil
        return try JSONSerialization.data(withJSONObject: object, options: .sortedKeys)
    }

    @Test("GSMR files reach GSCLOSolver", arguments: GSCLOSolverName.budgetSolvers)
    func gsmr(solver: GSCLOSolverName) throws {
        let instance = try GSCLOInstance.decode(json: Data(GSCLOInstanceTests.json.utf8))
        let direct = try GSCLOSolver.solve(instance, with: solver)
        #expect(try Self.viaRegistry(instance, solver.rawValue) == Self.encode(direct))
    }

    @Test("ECO-GS files reach IRACSolvers", arguments: [IRACSolverName.pmm, .exact, .greedy, .maxrate, .ilo])
    func irac(solver: IRACSolverName) throws {
        let instance = try IRACTestInstances.random(seed: 7, users: 5)
        let direct = try IRACSolvers.solve(instance, with: solver)
        #expect(try Self.viaRegistry(instance, solver.rawValue) == Self.encode(direct))
    }

    @Test("STT-GS files reach STTGSSolvers on their stage 2", arguments: STTGSSolverName.allCases)
    func sttgs(solver: STTGSSolverName) throws {
        let instance = STTGSTestInstances.random(clients: 6, seed: 11)
        let direct = try STTGSSolvers.solve(try instance.stageTwo(), with: solver)
        #expect(try Self.viaRegistry(instance, solver.rawValue) == Self.encode(direct))
    }

    @Test("SCC files reach SCCSolvers and return a front of assignments", arguments: [SCCSolverName.weightgreedy, .exact])
    func scc(solver: SCCSolverName) throws {
        let instance = try SCCTestInstances.tiny(seed: 3)
        let direct = try SCCSolvers.solve(instance, with: solver)
        #expect(!direct.front.isEmpty)
        #expect(try Self.viaRegistry(instance, solver.rawValue) == Self.encode(direct))
    }

    @Test("each family registers exactly its names")
    func registeredNames() {
        let registry = SolverRegistry.all()
        #expect(registry.entries.keys.sorted() == ["gsclo", "irac", "scc", "sttgs"])
        #expect(registry.entries["gsclo"]?.solverNames == GSCLOSolverName.allCases.map(\.rawValue))
        #expect(registry.entries["irac"]?.solverNames == IRACSolverName.allCases.map(\.rawValue))
        #expect(registry.entries["sttgs"]?.solverNames == STTGSSolverName.allCases.map(\.rawValue))
        #expect(registry.entries["scc"]?.solverNames == SCCSolverName.allCases.map(\.rawValue))
    }

    @Test("unknown problems, unknown solvers and files without a problem key are typed errors")
    func refusals() throws {
        let registry = SolverRegistry.all()
        let gsclo = Data(GSCLOInstanceTests.json.utf8)
        #expect(
            throws: OptimizerError(.unknownSolver, "unknown solver 'pmm'; known: " + GSCLOSolverName.allCases.map(\.rawValue).joined(separator: ", "))
        ) {
            try registry.solve(json: gsclo, solver: "pmm")
        }
        #expect(throws: OptimizerError(.invalidInstance, "problem 'tsp' has no solvers in this build (known: gsclo, irac, scc, sttgs)")) {
            try registry.solve(json: Data(#"{"problem":"tsp"}"#.utf8), solver: "apo")
        }
        #expect(throws: OptimizerError(.invalidInstance, "the instance has no string key 'problem'")) {
            try registry.solve(json: Data("[1,2]".utf8), solver: "apo")
        }
        #expect(throws: OptimizerError.self) {
            try registry.solve(json: Data(#"{"problem":"irac","K":2}"#.utf8), solver: "pmm")
        }
    }
}
