import Foundation

/// A trained ILO scheduler: the network, the feature normalisation it was trained with, the
/// largest K it was trained on, and how it was trained. Stored as a versioned JSON file
/// (format in docs/IRAC.md §ILO model file).
public struct ILOModel: Sendable, Equatable {
    /// The network (Float, run through `cblas_sgemm`).
    public var network: ILONetwork<Float>
    /// Per-feature mean subtracted before the network.
    public var featureMean: [Double]
    /// Per-feature scale divided by after the mean (a standard deviation, never 0).
    public var featureScale: [Double]
    /// The largest K seen in training; larger slots are refused.
    public var maxUsers: Int
    /// Training metadata.
    public var training: ILOTrainingRecord

    /// A model; throws `.badFile` when the pieces do not fit together.
    public init(
        network: ILONetwork<Float>, featureMean: [Double], featureScale: [Double],
        maxUsers: Int, training: ILOTrainingRecord
    ) throws {
        guard network.inputWidth == ILOFeatures.width, featureMean.count == ILOFeatures.width,
            featureScale.count == ILOFeatures.width
        else {
            throw OptimizerError(.badFile, "ILO model: expected \(ILOFeatures.width) features")
        }
        guard featureMean.allSatisfy(\.isFinite), featureScale.allSatisfy({ $0.isFinite && $0 > 0 }),
            network.parameters.allSatisfy({ $0.allSatisfy(\.isFinite) })
        else {
            throw OptimizerError(.badFile, "ILO model: non-finite parameters or normalisation")
        }
        self.network = network
        self.featureMean = featureMean
        self.featureScale = featureScale
        self.maxUsers = maxUsers
        self.training = training
    }

    /// The normalised feature rows of `instance` (K × width).
    public func inputs(_ instance: IRACInstance) throws -> ILOMatrix<Float> {
        guard instance.userCount <= maxUsers else {
            throw OptimizerError(
                .invalidInstance, "ILO model was trained for K ≤ \(maxUsers), got K = \(instance.userCount)")
        }
        let raw = ILOFeatures.matrix(instance)
        let width = ILOFeatures.width
        let values = raw.indices.map { Float((raw[$0] - featureMean[$0 % width]) / featureScale[$0 % width]) }
        return ILOMatrix(rows: instance.userCount, columns: width, values: values)
    }

    /// Predicted probability that PMM serves each user.
    public func probabilities(_ instance: IRACInstance) throws -> [Float] {
        try network.logits(inputs(instance)).map { ILOFocalLoss.sigmoid($0) }
    }

    /// The online decision: users predicted to be served (p ≥ 0.5) are added in decreasing
    /// probability while they fit; then, as PMM's own final step does, remaining users are
    /// added by decreasing Δ while they fit. Always feasible; powers p_k = x_k p_k^min.
    public func decide(_ instance: IRACInstance) throws -> IRACDecision {
        let probability = try probabilities(instance)
        let byProbability = probability.indices.filter { probability[$0] >= 0.5 }.sorted {
            probability[$0] != probability[$1] ? probability[$0] > probability[$1] : $0 < $1
        }
        let none = [Bool](repeating: false, count: instance.userCount)
        var served = IRACBinarisation.fill(instance, none, order: byProbability)
        served = IRACBinarisation.fill(instance, served, order: IRACBinarisation.largestGainFirst(instance))
        return instance.minimumPowerDecision(served)
    }
}

/// How a model was trained (recorded in the model file).
public struct ILOTrainingRecord: Codable, Sendable, Equatable {
    /// Seed of the network initialisation and batch shuffling.
    public var seed: UInt64
    /// Instances in the dataset (training + validation).
    public var instances: Int
    /// User rows used for training.
    public var trainingRows: Int
    /// User rows held out for validation / early stopping.
    public var validationRows: Int
    /// Epochs run.
    public var epochs: Int
    /// Epoch whose weights were kept (lowest validation loss).
    public var bestEpoch: Int
    /// Mini-batch size.
    public var batchSize: Int
    /// AdamW η.
    public var learningRate: Double
    /// AdamW λ.
    public var weightDecay: Double
    /// Focal loss α, γ.
    public var focalLoss: ILOFocalLoss
    /// Validation focal loss at `bestEpoch`.
    public var validationLoss: Double
    /// Validation per-user agreement with PMM at `bestEpoch`.
    public var validationAccuracy: Double
    /// Free-form description of the dataset source (generator settings).
    public var dataset: String

    /// A record.
    public init(
        seed: UInt64, instances: Int, trainingRows: Int, validationRows: Int, epochs: Int,
        bestEpoch: Int, batchSize: Int, learningRate: Double, weightDecay: Double,
        focalLoss: ILOFocalLoss, validationLoss: Double, validationAccuracy: Double, dataset: String
    ) {
        self.seed = seed
        self.instances = instances
        self.trainingRows = trainingRows
        self.validationRows = validationRows
        self.epochs = epochs
        self.bestEpoch = bestEpoch
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.focalLoss = focalLoss
        self.validationLoss = validationLoss
        self.validationAccuracy = validationAccuracy
        self.dataset = dataset
    }
}
