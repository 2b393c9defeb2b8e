import Foundation
import Testing
@testable import Optimizers

@Suite struct GSCLOInstanceTests {
    static let json = """
        {"problem":"gsclo","T":3,"tau_s":0.1,"B_Hz":1e6,"sigma2_W":1e-9,"I_bits":537600,
         "S_bits":192,"P_W":0.01,"L":[0.1,0.02,0.3],"gain":[1e-6,2e-6,5e-7],"extra":"ignored"}
        """

    @Test func decodesEncodesAndIgnoresUnknownKeys() throws {
        let instance = try GSCLOInstance.decode(json: Data(Self.json.utf8))
        #expect(instance.frames == 3 && instance.losses == [0.1, 0.02, 0.3] && instance.powerBudget == 0.01)
        let again = try GSCLOInstance.decode(json: try instance.encoded())
        #expect(again == instance)
        let text = String(decoding: try instance.encoded(), as: UTF8.self)
        #expect(text.contains("\"problem\":\"gsclo\"") && text.contains("\"sigma2_W\""))
    }

    @Test(arguments: [
        ("\"P_W\":0.01,", "", "missing required key 'P_W'"),
        ("[0.1,0.02,0.3]", "[0.1,0.02]", "'L' must have 3 entries, got 2"),
        ("[1e-6,2e-6,5e-7]", "[1e-6,0,5e-7]", "'gain[1]' must be finite positive, got 0.0"),
        ("\"gsclo\"", "\"irac\"", "'problem' is 'irac', expected 'gsclo'"),
        ("\"S_bits\":192", "\"S_bits\":600000", "'S_bits' (600000.0) must be smaller than 'I_bits' (537600.0)"),
    ])
    func rejectsBadInstances(find: String, replace: String, message: String) {
        let broken = Self.json.replacingOccurrences(of: find, with: replace)
        #expect(throws: OptimizerError(.invalidInstance, message)) { try GSCLOInstance.decode(json: Data(broken.utf8)) }
    }

    @Test func rejectsNonFiniteAndNonJSON() {
        let nan = Self.json.replacingOccurrences(of: "\"P_W\":0.01", with: "\"P_W\":\"NaN\"")
        #expect(throws: OptimizerError.self) { try GSCLOInstance.decode(json: Data(nan.utf8)) }
        #expect(throws: OptimizerError.self) { try GSCLOInstance.decode(json: Data("[1,2]".utf8)) }
    }

    /// Poses alone need σ²(2^(S/τB) − 1)/g ≈ 1.33e−6 W per frame at g = 1e−6.
    @Test func posesAboveBudgetIsAnInfeasibilityError() throws {
        var instance = try GSCLOInstance.decode(json: Data(Self.json.utf8))
        instance.powerBudget = 1e-7
        for solver in GSCLOSolverName.budgetSolvers {
            #expect(throws: OptimizerError.self) { try GSCLOSolver.solve(instance, with: solver) }
            do {
                _ = try GSCLOSolver.solve(instance, with: solver)
            } catch let error as OptimizerError {
                #expect(error.code == .infeasible)
            } catch {}
        }
    }

    @Test func unknownSolverAndMissingVariantFields() throws {
        let instance = try GSCLOInstance.decode(json: Data(Self.json.utf8))
        #expect(
            throws: OptimizerError(
                .unknownSolver, "unknown solver 'mosek'; known: " + GSCLOSolverName.allCases.map(\.rawValue).joined(separator: ", "))
        ) {
            try GSCLOSolverName(validating: "mosek")
        }
        #expect(throws: OptimizerError(.invalidInstance, "the robust problem needs 'h_est', 'omega2' and 'eps'")) {
            try GSCLOSolver.solve(instance, with: .bils)
        }
        #expect(throws: OptimizerError(.invalidInstance, "solver 'qgs' needs 'L_th'")) {
            try GSCLOSolver.solve(instance, with: .qgs)
        }
    }
}
