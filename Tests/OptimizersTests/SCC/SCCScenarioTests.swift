import Testing
@testable import Optimizers

@Suite("SCC generator")
struct SCCScenarioTests {
    /// The synthetic cities reproduce the datasets' median exactly and their range in shape.
    @Test(arguments: SCCCity.allCases)
    func cityDistancesMatchTheDatasets(city: SCCCity) {
        let stats = SCCCity.distances(city.cells(seed: 1))
        let paper = city.paperDistancesKm
        #expect(abs(stats.median - paper.median) < 1e-9 * paper.median)
        #expect(stats.max > 0.7 * paper.max && stats.max < 1.3 * paper.max, "max \(stats.max)")
        #expect(stats.min < 0.2, "min \(stats.min)")
    }

    @Test func instancesAreSeededAndRespectTheirRanges() throws {
        let scenario = SCCScenario()
        let a = try scenario.network(seed: 7), b = try scenario.network(seed: 7)
        #expect(a.instance == b.instance)
        #expect(try scenario.instance(seed: 8) != a.instance)
        let instance = a.instance
        #expect(instance.userCount == 200 && instance.mecCount == 20 && instance.spaceCount == 10)
        #expect(instance.mecCacheBytes.allSatisfy { $0 >= 15e9 && $0 < 20e9 })
        #expect(instance.mecFrequency.allSatisfy { $0 >= 2e9 && $0 < 5e9 })
        #expect(instance.probability.allSatisfy { row in row.reduce(0, +) <= 1 && row.contains { $0 > 0 } })
        // Costs are linear in distance: the ratio of any two MECs' sync latency equals the
        // ratio of their frame energies.
        let ratio = instance.syncLatency[0][1] / instance.syncLatency[0][2]
        #expect(abs(ratio - instance.frameEnergyPerBit[0][1] / instance.frameEnergyPerBit[0][2]) < 1e-9 * ratio)
        #expect(a.averageDistanceKm > 0)
        #expect(instance.syncLatency[3][3] == 0 && instance.sensorEnergy[5][5] == 0)
    }

    /// Every generated instance admits the greedy projection (the generator's guarantee).
    @Test(arguments: SCCCity.allCases)
    func generatedInstancesAreFeasible(city: SCCCity) throws {
        var scenario = SCCScenario()
        scenario.city = city
        for seed in 1...5 as ClosedRange<UInt64> {
            let evaluator = SCCEvaluator(try scenario.instance(seed: seed))
            let genome = try #require(SCCRepair.greedy(evaluator, latencyWeight: 0.5))
            #expect(evaluator.isFeasible(genome))
        }
    }
}

@Suite("SCC relocation")
struct SCCRelocationTests {
    /// Moving the MECs changes only the distance-dependent costs, each linear in distance.
    @Test func relocationKeepsEverythingButDistances() throws {
        let scenario = SCCScenario()
        var small = scenario
        (small.users, small.spaces, small.mecs) = (10, 3, 3)
        let network = try small.network(seed: 2)
        let moved = try small.relocated(network.instance, to: [(0, 0), (3, 4), (0, 8)])
        #expect(abs(moved.averageDistanceKm - (5 + 8 + 5) / 3.0) < 1e-12)
        #expect(moved.instance.probability == network.instance.probability)
        #expect(moved.instance.mecFrequency == network.instance.mecFrequency)
        #expect(abs(moved.instance.syncLatency[0][1] - 5 * scenario.syncLatencyPerKm) < 1e-15)
        #expect(abs(moved.instance.frameEnergyPerBit[2][0] - 8 * scenario.frameEnergyPerBitKm) < 1e-20)
        #expect(throws: OptimizerError.self) { try small.relocated(network.instance, to: [(0, 0)]) }
    }
}
