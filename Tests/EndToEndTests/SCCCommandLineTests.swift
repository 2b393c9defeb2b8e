import Foundation
import Testing

/// `gs-lab scc generate` then `gs-lab solve` with every SCC solver: the files round-trip
/// through the SPEC appendix formats and every returned assignment is feasible.
@Suite struct SCCCommandLineTests {
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        guard let path = EndToEndProcesses.executable("gs-lab") else {
            Issue.record("gs-lab is not built: run `swift build` first")
            return (-1, "")
        }
        return try EndToEndProcesses.runToCompletion(path, arguments)
    }

    @Test(arguments: ["random", "weightgreedy", "nsga2", "moead", "exact"])
    func generateThenSolve(solver: String) throws {
        let work = try EndToEndProcesses.scratch("scc-cli")
        defer { try? FileManager.default.removeItem(at: work) }
        let generated = try Self.run([
            "scc", "generate", "--city", "virginia", "--users", "4", "--spaces", "2", "--mecs", "3",
            "--seed", "9", "--out", work.path,
        ])
        #expect(generated.status == 0, "\(generated.output)")
        let instance = try EndToEndProcesses.json(work.appendingPathComponent("scc-9.json").path)
        #expect(instance["problem"] as? String == "scc" && instance["mean_inter_mec_km"] is Double)
        let resultPath = work.appendingPathComponent("result.json").path
        let solved = try Self.run([
            "solve", "--instance", work.appendingPathComponent("scc-9.json").path, "--solver", solver, "--out", resultPath,
        ])
        #expect(solved.status == 0, "\(solved.output)")
        let result = try EndToEndProcesses.json(resultPath)
        #expect(result["solver"] as? String == solver)
        let front = try #require(result["front"] as? [[String: Any]])
        #expect(!front.isEmpty)
        let q = try #require(instance["q"] as? [[Double]])
        for point in front {
            #expect(point["feasible"] as? Bool == true)
            let assign = try #require(point["assign"] as? [[Int]])
            for (u, row) in assign.enumerated() {
                for (v, m) in row.enumerated() { #expect((m == -1) == (q[u][v] == 0)) }
            }
        }
    }

    @Test func unknownSolverIsAnError() throws {
        let work = try EndToEndProcesses.scratch("scc-cli")
        defer { try? FileManager.default.removeItem(at: work) }
        _ = try Self.run(["scc", "generate", "--users", "3", "--spaces", "2", "--mecs", "2", "--out", work.path])
        let solved = try Self.run(["solve", "--instance", work.appendingPathComponent("scc-1.json").path, "--solver", "modifusco"])
        #expect(solved.status != 0)
        #expect(solved.output.contains("unknown_solver"))
    }
}
