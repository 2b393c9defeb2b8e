import SeededRandom
import Testing
@testable import Optimizers

/// The (T, E) formulas of SPEC §5 against a case worked out by hand, and the fast evaluator
/// against those formulas.
@Suite("SCC evaluation")
struct SCCEvaluationTests {
    /// Every term of the hand case (see `SCCTestInstances.hand`):
    /// - v0 is on MECs {0, 1}, v1 on {1}: sync T = t^sy[0][1] = 3, E = e^sy[0][1] = 5;
    ///   maintenance 2·e_0 + e_1 = 4;
    /// - computing: T = 0.5·8/2 + 0.25·4/4 + 0.5·8/4 = 3.25; E = κ q w f² = 8 + 8 + 32 = 48;
    /// - cross-MEC, only (u0, v1) on MEC 1 away from its local MEC 0: T = 0.25·(t^se[0][1] +
    ///   4·t^vp[1][0]) = 0.25·(0.1 + 0.08) = 0.045; E = 0.25·(0.3 + 4·0.04) = 0.115;
    /// - edge-to-device: T = 0.5·2·0.5 + 0.25·4·0.5 + 0.5·2·0.25 = 1.25; E = 0.1 + 0.1 + 0.2 = 0.4.
    @Test func handCaseEveryTerm() throws {
        let instance = try SCCTestInstances.hand()
        let cost = try instance.breakdown(SCCTestInstances.handAssignment)
        #expect(abs(cost.syncLatency - 3) < 1e-12)
        #expect(abs(cost.syncEnergy - 5) < 1e-12)
        #expect(abs(cost.maintenanceEnergy - 4) < 1e-12)
        #expect(abs(cost.computeLatency - 3.25) < 1e-12)
        #expect(abs(cost.computeEnergy - 48) < 1e-12)
        #expect(abs(cost.crossLatency - 0.045) < 1e-12)
        #expect(abs(cost.crossEnergy - 0.115) < 1e-12)
        #expect(abs(cost.deviceLatency - 1.25) < 1e-12)
        #expect(abs(cost.deviceEnergy - 0.4) < 1e-12)
        #expect(abs(cost.latency - 7.545) < 1e-12)
        #expect(abs(cost.energy - 57.515) < 1e-12)
        let evaluator = SCCEvaluator(instance)
        let fast = evaluator.objectives(try evaluator.genome(SCCTestInstances.handAssignment))
        #expect(abs(fast.latency - 7.545) < 1e-12)
        #expect(abs(fast.energy - 57.515) < 1e-12)
    }

    /// Everything on MEC 1: one copy of each space (no sync), u0's both pairs are remote.
    @Test func singleReplicaHasNoSync() throws {
        let instance = try SCCTestInstances.hand(cache: [3, 5], tasks: [3, 3])
        let cost = try instance.breakdown([[1, 1], [1, -1]])
        #expect(cost.syncLatency == 0 && cost.syncEnergy == 0)
        #expect(abs(cost.maintenanceEnergy - 3) < 1e-12)
        // u0: 0.5·(0.1 + 2·0.02) + 0.25·(0.1 + 4·0.02) = 0.07 + 0.045.
        #expect(abs(cost.crossLatency - 0.115) < 1e-12)
    }

    @Test func feasibilityCountsCacheAndTasks() throws {
        #expect(try SCCTestInstances.hand().feasibility(SCCTestInstances.handAssignment).isFeasible)
        let tightCache = try SCCTestInstances.hand(cache: [3, 4.5]).feasibility(SCCTestInstances.handAssignment)
        #expect(tightCache.cacheExcess == 0.5 && tightCache.taskExcess == 0 && !tightCache.isFeasible)
        let tightTasks = try SCCTestInstances.hand(tasks: [1, 1]).feasibility(SCCTestInstances.handAssignment)
        #expect(tightTasks.taskExcess == 1 && tightTasks.cacheExcess == 0 && !tightTasks.isFeasible)
        let evaluator = SCCEvaluator(try SCCTestInstances.hand(tasks: [1, 1]))
        #expect(!evaluator.isFeasible(try evaluator.genome(SCCTestInstances.handAssignment)))
    }

    /// Paper eqs. (36)–(37) on the hand case: 2 of 3 pairs local; v0 on 2 MECs, v1 on 1.
    @Test func localRateAndPlacements() throws {
        let instance = try SCCTestInstances.hand()
        #expect(abs(instance.localRate(SCCTestInstances.handAssignment) - 2.0 / 3) < 1e-12)
        #expect(abs(instance.averagePlacements(SCCTestInstances.handAssignment) - 1.5) < 1e-12)
    }

    @Test func shapeErrorsAreReported() throws {
        let instance = try SCCTestInstances.hand()
        #expect(throws: OptimizerError.self) { try instance.breakdown([[0, 1], [1, 0]]) }  // q = 0 needs −1
        #expect(throws: OptimizerError.self) { try instance.breakdown([[0, 2], [1, -1]]) }  // no MEC 2
        #expect(throws: OptimizerError.self) { try instance.breakdown([[0, 1]]) }
    }

    /// The evaluator (flattened, Lemma-1 form) equals the reference formulas on random
    /// assignments of generated instances, and its feasibility agrees too.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func evaluatorMatchesReference(seed: UInt64) throws {
        let instance = try SCCTestInstances.small(seed: seed)
        let evaluator = SCCEvaluator(instance)
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<50 {
            let genome = (0..<evaluator.pairCount).map { _ in Int.random(in: 0..<instance.mecCount, using: &generator) }
            let assign = evaluator.assignment(genome)
            let reference = try instance.breakdown(assign)
            let fast = evaluator.objectives(genome)
            #expect(abs(fast.latency - reference.latency) <= 1e-9 * reference.latency)
            #expect(abs(fast.energy - reference.energy) <= 1e-9 * reference.energy)
            #expect(evaluator.isFeasible(genome) == (try instance.feasibility(assign).isFeasible))
        }
    }

    /// The reference point is dominated by every assignment, feasible or not.
    @Test func referencePointBoundsEveryAssignment() throws {
        let instance = try SCCTestInstances.small(seed: 4, city: .virginia)
        let evaluator = SCCEvaluator(instance)
        var generator = SeededGenerator(seed: 4)
        for _ in 0..<200 {
            let genome = (0..<evaluator.pairCount).map { _ in Int.random(in: 0..<instance.mecCount, using: &generator) }
            let f = evaluator.objectives(genome)
            #expect(f.latency <= evaluator.reference.latency && f.energy <= evaluator.reference.energy)
        }
    }
}
