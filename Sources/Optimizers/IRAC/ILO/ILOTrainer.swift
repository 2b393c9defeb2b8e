import Foundation
import SeededRandom

/// Trains ILO's network to imitate PMM: focal loss on x, AdamW, shuffled mini-batches, early
/// stopping on a held-out split of whole slots (the weights of the best validation epoch are
/// kept).
public struct ILOTrainer: Sendable {
    /// Hidden layer widths (the network is input → hidden[0] → hidden[1] → 1).
    public var hiddenWidths = [32, 32]
    /// Most epochs.
    public var epochs = 60
    /// Epochs without a validation improvement before stopping.
    public var patience = 8
    /// Rows per mini-batch.
    public var batchSize = 256
    /// AdamW learning rate.
    public var learningRate = 2e-3
    /// AdamW decoupled weight decay.
    public var weightDecay = 1e-4
    /// The loss.
    public var focalLoss = ILOFocalLoss()
    /// Share of slots held out for validation.
    public var validationFraction = 0.2
    /// Seed of initialisation and shuffling.
    public var seed: UInt64 = 1

    /// A trainer with the documented defaults.
    public init() {}

    /// Metrics after one epoch.
    public struct EpochReport: Sendable {
        /// 1-based epoch.
        public var epoch: Int
        /// Mean focal loss over the epoch's batches (training mode).
        public var trainingLoss: Double
        /// Per-user agreement (p ≥ 0.5 vs PMM) on the training rows.
        public var trainingAccuracy: Double
        /// Focal loss on the validation rows.
        public var validationLoss: Double
        /// Per-user agreement on the validation rows.
        public var validationAccuracy: Double
    }

    /// Rows of a dataset as raw (unnormalised) features and labels.
    struct Rows {
        var features: [Double]
        var labels: [Float]
        var count: Int { labels.count }

        init(_ dataset: ILODataset) {
            features = dataset.instances.flatMap(ILOFeatures.matrix)
            labels = dataset.labels.flatMap { $0.map { $0 ? 1 : 0 } }
        }

        func normalised(mean: [Double], scale: [Double]) -> ILOMatrix<Float> {
            let width = ILOFeatures.width
            return ILOMatrix(
                rows: count, columns: width,
                values: features.indices.map {
                    Float((features[$0] - mean[$0 % width]) / scale[$0 % width])
                })
        }
    }

    /// Trains on `dataset`; `report` is called after every epoch. `datasetSummary` is stored in
    /// the model's metadata.
    public func train(
        _ dataset: ILODataset, datasetSummary: String, report: (EpochReport) -> Void = { _ in }
    ) throws -> (model: ILOModel, history: [EpochReport]) {
        let (trainingSet, validationSet) = try dataset.split(validationFraction: validationFraction)
        let training = Rows(trainingSet), validation = Rows(validationSet)
        guard training.count > 0, validation.count > 0 else {
            throw OptimizerError(.invalidInstance, "ILO training needs slots in both the training and validation split")
        }
        let (mean, scale) = Self.normalisation(training.features)
        let trainingInputs = training.normalised(mean: mean, scale: scale)
        let validationInputs = validation.normalised(mean: mean, scale: scale)
        var network = try ILONetwork<Float>(widths: [ILOFeatures.width] + hiddenWidths + [1], seed: seed)
        var optimiser = ILOAdamW<Float>(learningRate: learningRate, weightDecay: weightDecay)
        var generator = SeededGenerator(seed: seed, stream: 0x5_4FF1E, index: 0)
        var order = Array(0..<training.count)
        var best = (network: network, loss: Float.infinity, accuracy: 0.0, epoch: 0)
        var history: [EpochReport] = []
        for epoch in 1...max(epochs, 1) {
            order.shuffle(using: &generator)
            var lossSum = 0.0, batches = 0
            for start in stride(from: 0, to: order.count, by: batchSize) {
                let rows = order[start..<min(start + batchSize, order.count)]
                let (batch, labels) = Self.gather(rows, from: trainingInputs, labels: training.labels)
                let trace = network.forward(batch)
                lossSum += Double(focalLoss.value(logits: trace.logits, labels: labels))
                batches += 1
                let gradients = network.gradients(trace, logitGradient: focalLoss.gradient(logits: trace.logits, labels: labels))
                optimiser.update(&network.parameters, gradients: ILONetwork.parameterArrays(of: gradients))
            }
            let (validationLoss, validationAccuracy) = evaluate(network, validationInputs, validation.labels)
            let (_, trainingAccuracy) = evaluate(network, trainingInputs, training.labels)
            let entry = EpochReport(
                epoch: epoch, trainingLoss: lossSum / Double(max(batches, 1)), trainingAccuracy: trainingAccuracy,
                validationLoss: Double(validationLoss), validationAccuracy: validationAccuracy)
            history.append(entry)
            report(entry)
            if validationLoss < best.loss {
                best = (network, validationLoss, validationAccuracy, epoch)
            } else if epoch - best.epoch >= patience {
                break
            }
        }
        let record = ILOTrainingRecord(
            seed: seed, instances: dataset.instances.count, trainingRows: training.count,
            validationRows: validation.count, epochs: history.count, bestEpoch: best.epoch,
            batchSize: batchSize, learningRate: learningRate, weightDecay: weightDecay, focalLoss: focalLoss,
            validationLoss: Double(best.loss), validationAccuracy: best.accuracy, dataset: datasetSummary)
        let largest = dataset.instances.map(\.userCount).max() ?? 0
        let model = try ILOModel(
            network: best.network, featureMean: mean, featureScale: scale, maxUsers: largest, training: record)
        return (model, history)
    }

    /// Focal loss and per-row agreement (p ≥ 0.5 ⇔ label 1) of `network` on `inputs`.
    func evaluate(_ network: ILONetwork<Float>, _ inputs: ILOMatrix<Float>, _ labels: [Float]) -> (Float, Double) {
        let logits = network.logits(inputs)
        let agreed = zip(logits, labels).filter { ($0.0 >= 0) == ($0.1 == 1) }.count
        return (focalLoss.value(logits: logits, labels: labels), Double(agreed) / Double(max(labels.count, 1)))
    }

    /// Per-feature mean and standard deviation (1 for constant features).
    static func normalisation(_ features: [Double]) -> ([Double], [Double]) {
        let width = ILOFeatures.width
        let rows = Double(features.count / width)
        var mean = [Double](repeating: 0, count: width), square = mean
        for (i, value) in features.enumerated() {
            mean[i % width] += value / rows
            square[i % width] += value * value / rows
        }
        let scale = (0..<width).map { j -> Double in
            let deviation = max(square[j] - mean[j] * mean[j], 0).squareRoot()
            return deviation > 1e-9 ? deviation : 1
        }
        return (mean, scale)
    }

    /// The mini-batch of `rows`.
    static func gather(_ rows: ArraySlice<Int>, from inputs: ILOMatrix<Float>, labels: [Float]) -> (ILOMatrix<Float>, [Float]) {
        let width = inputs.columns
        var values = [Float]()
        values.reserveCapacity(rows.count * width)
        for row in rows { values += inputs.values[(row * width)..<((row + 1) * width)] }
        return (ILOMatrix(rows: rows.count, columns: width, values: values), rows.map { labels[$0] })
    }
}
