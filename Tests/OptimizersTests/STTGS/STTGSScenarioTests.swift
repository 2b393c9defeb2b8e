import Foundation
import Optimizers
import Testing

@Suite struct STTGSScenarioTests {
    @Test func paperSettingsGiveAValidReproducibleInstance() throws {
        let scenario = STTGSScenario(clients: 5, seed: 3)
        let a = try scenario.generate(datasets: scenario.syntheticDatasets())
        let b = try scenario.generate(datasets: scenario.syntheticDatasets())
        #expect(a.instance == b.instance)
        try a.instance.validate()
        #expect(a.instance.gains.count == 5 && a.instance.powerSum == 0.3 && a.instance.powerMax == 0.2)
        for k in 0..<5 {
            #expect(a.instance.pilotCounts[k] == PilotSampling.pilotCount(ratio: 0.1, images: a.instance.imageCounts[k]))
            #expect(Set(a.pilots[k]).count == a.pilots[k].count)
            // π̃ estimates π: same order of magnitude (the sweep measures the error).
            #expect(a.instance.predictedLoss[k] > 0.2 * a.trueLoss[k] && a.instance.predictedLoss[k] < 5 * a.trueLoss[k])
        }
        // The instance survives its own JSON round trip.
        let decoded = try STTGSInstance.decode(json: JSONEncoder().encode(a.instance))
        #expect(decoded == a.instance)
        _ = try a.instance.stageTwo()
    }

    @Test func datasetCountMismatchIsATypedError() throws {
        let scenario = STTGSScenario(clients: 3, seed: 1)
        let wrong = SyntheticClientDatasets(imageCounts: [10, 10], seed: 1)
        #expect(throws: OptimizerError.self) { try scenario.generate(datasets: wrong) }
    }
}
