import Foundation
import Testing
@testable import Optimizers

@Suite("ILO model and training")
struct ILOModelTests {
    static func smallDistribution() -> ILOInstanceDistribution {
        var distribution = ILOInstanceDistribution()
        distribution.minUsers = 2
        distribution.maxUsers = 8
        return distribution
    }

    @Test func datasetIsDeterministicAndRoundTripsThroughCSV() throws {
        let a = try ILODataset.generate(count: 40, seed: 3, distribution: Self.smallDistribution())
        let b = try ILODataset.generate(count: 40, seed: 3, distribution: Self.smallDistribution())
        #expect(a.labels == b.labels && a.instances == b.instances)
        let parsed = try ILODataset.parse(csv: a.csv())
        #expect(parsed.instances == a.instances && parsed.labels == a.labels)
        #expect(throws: OptimizerError.self) { try ILODataset.parse(csv: "slot,K\n1,2\n") }
    }

    @Test func trainingReducesValidationLossAndSaveLoadIsBitIdentical() throws {
        let dataset = try ILODataset.generate(count: 150, seed: 9, distribution: Self.smallDistribution())
        var trainer = ILOTrainer()
        trainer.hiddenWidths = [16, 16]
        trainer.epochs = 12
        trainer.batchSize = 32
        trainer.seed = 5
        let (model, history) = try trainer.train(dataset, datasetSummary: "test")
        // The untrained network (same seed) on the same validation rows, for comparison.
        let validation = try dataset.split(validationFraction: trainer.validationFraction).validation
        let rows = ILOTrainer.Rows(validation)
        let initial = try ILONetwork<Float>(widths: [ILOFeatures.width, 16, 16, 1], seed: 5)
        let (initialLoss, _) = trainer.evaluate(initial, rows.normalised(mean: model.featureMean, scale: model.featureScale), rows.labels)
        #expect(model.training.validationLoss < Double(initialLoss) * 0.8, "\(initialLoss) → \(model.training.validationLoss)")
        #expect(history.count >= 1 && model.training.bestEpoch >= 1)

        let restored = try ILOModel.decode(model.encoded())
        #expect(restored == model)
        for instance in validation.instances {
            let before = try model.probabilities(instance).map(\.bitPattern)
            let after = try restored.probabilities(instance).map(\.bitPattern)
            #expect(before == after)
            let decision = try restored.decide(instance)
            #expect(instance.isFeasible(decision))
        }
        var tooMany = validation.instances[0]
        tooMany.switchingGains += [Double](repeating: 0.01, count: 20)
        tooMany.channelGains += [Double](repeating: 1e-6, count: 20)
        #expect(throws: OptimizerError.self) { try model.decide(tooMany) }
    }

    @Test func badModelFilesAreTypedErrors() throws {
        #expect(throws: OptimizerError.self) { try ILOModel.decode(Data("{}".utf8)) }
        #expect(throws: OptimizerError.self) { try ILOModel.load(from: URL(fileURLWithPath: "/nonexistent/model.json")) }
        let network = try ILONetwork<Float>(widths: [ILOFeatures.width, 4, 1], seed: 1)
        let record = ILOTrainingRecord(
            seed: 1, instances: 0, trainingRows: 0, validationRows: 0, epochs: 0, bestEpoch: 0, batchSize: 1,
            learningRate: 0, weightDecay: 0, focalLoss: ILOFocalLoss(), validationLoss: 0, validationAccuracy: 0, dataset: "")
        let model = try ILOModel(
            network: network, featureMean: [Double](repeating: 0, count: ILOFeatures.width),
            featureScale: [Double](repeating: 1, count: ILOFeatures.width), maxUsers: 5, training: record)
        var text = String(decoding: try model.encoded(), as: UTF8.self)
        text = text.replacingOccurrences(of: "\"version\":1", with: "\"version\":99")
        #expect(throws: OptimizerError.self) { try ILOModel.decode(Data(text.utf8)) }
    }
}

@Suite("ILO shipped model")
struct ILOShippedModelTests {
    /// The model in the Optimizers bundle loads, covers K up to 50, and on fresh slots (a seed
    /// not used for training) is feasible and agrees with PMM on most users.
    @Test func shippedModelLoadsAndImitatesPMM() throws {
        let model = try ILOModel.shipped()
        #expect(model.maxUsers >= 50)
        let distribution = ILOInstanceDistribution()
        var agreed = 0, users = 0
        for index in 0..<40 {
            let instance = try distribution.instance(seed: 31_337, index: index)
            let decision = try model.decide(instance)
            #expect(instance.isFeasible(decision))
            let pmm = IRACPenaltyMM().solve(instance).decision.served
            agreed += zip(decision.served, pmm).filter { $0 == $1 }.count
            users += instance.userCount
        }
        #expect(Double(agreed) / Double(users) > 0.9)
        let result = try IRACSolvers.solve(try distribution.instance(seed: 31_337, index: 0), with: .ilo)
        #expect(result.feasible && result.solver == "ilo")
    }
}
