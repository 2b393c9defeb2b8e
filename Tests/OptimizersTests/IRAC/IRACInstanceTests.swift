import Foundation
import Testing
@testable import Optimizers

@Suite("IRAC instance")
struct IRACInstanceTests {
    static let valid = """
        {"problem": "irac", "K": 2, "sigma2_W": 1e-12, "B_Hz": 2e7, "D_bits": 1.2e7,
         "T_budget_s": 0.1, "t_edge_s": 0.02, "P_W": 0.005, "K_max": 1,
         "G": [0.01, 0.02], "gain": [1e-6, 2e-7], "delta_source": "synthetic"}
        """

    @Test func decodesAndRoundTrips() throws {
        let instance = try IRACInstance.decode(json: Data(Self.valid.utf8))
        #expect(instance.userCount == 2)
        #expect(instance.maxUsers == 1)
        let again = try IRACInstance.decode(json: JSONEncoder().encode(instance))
        #expect(again == instance)
    }

    @Test func minimumPowerMeetsTheLatencyBudgetExactly() throws {
        let instance = try IRACInstance.decode(json: Data(Self.valid.utf8))
        for (k, power) in instance.minimumPowers.enumerated() {
            let latency = instance.latency(user: k, power: power)
            #expect(abs(latency - instance.latencyBudget) < 1e-12)
        }
    }

    @Test(arguments: [
        ("\"K\": 2,", "\"K\": 3,", "'K'"),
        ("\"gain\": [1e-6, 2e-7]", "\"gain\": [1e-6]", "'gain'"),
        ("\"gain\": [1e-6, 2e-7]", "\"gain\": [1e-6, 0]", "'gain[1]'"),
        ("\"G\": [0.01, 0.02]", "\"G\": [0.01, -1]", "'G[1]'"),
        ("\"t_edge_s\": 0.02", "\"t_edge_s\": 0.2", "'t_edge_s'"),
        ("\"P_W\": 0.005,", "", "P_W"),
        ("\"problem\": \"irac\"", "\"problem\": \"gsclo\"", "'problem'"),
        ("\"B_Hz\": 2e7", "\"B_Hz\": \"wide\"", "B_Hz"),
    ])
    func rejectsBadInput(original: String, replacement: String, mentions: String) {
        let json = Self.valid.replacingOccurrences(of: original, with: replacement)
        #expect(json != Self.valid)
        do {
            _ = try IRACInstance.decode(json: Data(json.utf8))
            Issue.record("accepted \(json)")
        } catch let error as OptimizerError {
            #expect(error.code == .invalidInstance)
            #expect(error.message.contains(mentions), "\(error.message)")
        } catch {
            Issue.record("untyped error \(error)")
        }
    }

    @Test func feasibilityCheckFlagsEachConstraint() throws {
        let instance = try IRACInstance.decode(json: Data(Self.valid.utf8))
        let minimum = instance.minimumPowers
        #expect(instance.isFeasible(IRACDecision(served: [true, false], powers: [minimum[0], 0])))
        // Too little power for the latency budget.
        #expect(!instance.isFeasible(IRACDecision(served: [true, false], powers: [0.9 * minimum[0], 0])))
        // Two users with K_max = 1.
        #expect(!instance.isFeasible(IRACDecision(served: [true, true], powers: [minimum[0], minimum[1]])))
        // Over the power budget.
        #expect(!instance.isFeasible(IRACDecision(served: [false, false], powers: [0.004, 0.002])))
        #expect(!instance.isFeasible(IRACDecision(served: [false, false], powers: [-1e-3, 0])))
    }
}
