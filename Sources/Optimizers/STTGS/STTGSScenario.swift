import Foundation
import SeededRandom
import Wireless

/// The paper's simulation settings (§VI, Table II) and the generator of STT-GS instances from
/// them: client positions, Rician MRC channels, dataset sizes, pilots by a sampling scheme and
/// the predicted losses π̃ from a ``ClientDatasets`` source.
public struct STTGSScenario: Codable, Sendable, Equatable {
    /// K.
    public var clients = 5
    /// N server antennas.
    public var antennas = 64
    /// T in seconds.
    public var timeBudget = 350.0
    /// P_sum in watts.
    public var powerSum = 0.3
    /// P_max in watts.
    public var powerMax = 0.2
    /// B_k in hertz.
    public var bandwidth = 10e6
    /// Path-loss exponent α (ρ0 = −30 dB at 1 m).
    public var pathLossExponent = 3.0
    /// Shadowing ω_k in dB.
    public var shadowingDB = -20.0
    /// σ² in dBm (SPEC: −100 dBm).
    public var noiseDBm = -100.0
    /// Rician K-factor in dB.
    public var ricianDB = -26.0
    /// Side of the square area (m), the edge at its centre.
    public var areaSide = 100.0
    /// Sampling ratio ρ.
    public var samplingRatio = 0.1
    /// |D_k| is drawn uniformly from this range (the paper: 280 images per client).
    public var imagesLow = 250, imagesHigh = 310
    /// V_k in bits, uniform in this range (paper: ≈ 1.5–2.1 GB per 280 images → 45–60 Mbit).
    public var bitsLow = 45e6, bitsHigh = 60e6
    /// Seed of positions, fading and dataset sizes.
    public var seed: UInt64 = 1

    /// The paper's settings with `seed`.
    public init(clients: Int = 5, seed: UInt64 = 1) {
        self.clients = clients
        self.seed = seed
    }

    /// Client positions (metres from the edge) and the MRC composite gains H.
    public func channels() -> (positions: [[Double]], gains: [[Double]]) {
        var generator = SeededGenerator(seed: seed, stream: 1, index: 0)
        let pathLoss = PathLoss(referenceGainDB: -30, exponent: pathLossExponent)
        let half = areaSide / 2
        let positions = (0..<clients).map { _ in
            [generator.nextUniform(in: -half..<half), generator.nextUniform(in: -half..<half)]
        }
        let vectors = positions.enumerated().map { k, position in
            let distance = (position[0] * position[0] + position[1] * position[1]).squareRoot()
            let beta = pathLoss.gain(distance: distance) * Units.ratio(fromDB: shadowingDB)
            return RicianChannel(antennas: antennas, kFactorDB: ricianDB, largeScaleGain: beta)
                .realisation(seed: seed, link: UInt64(k), slot: 0)
        }
        return (positions, ChannelVector.mrcCompositeGains(vectors))
    }

    /// Dataset sizes |D_k| and bits per sample V_k.
    public func datasetSizes() -> (images: [Int], bits: [Double]) {
        var generator = SeededGenerator(seed: seed, stream: 2, index: 0)
        let images = (0..<clients).map { _ in imagesLow + Int(generator.next() % UInt64(imagesHigh - imagesLow + 1)) }
        let bits = (0..<clients).map { _ in generator.nextUniform(in: bitsLow..<bitsHigh) }
        return (images, bits)
    }

    /// A generated instance with what produced it.
    public struct Generated: Sendable {
        /// The instance (π̃ from the pilots).
        public var instance: STTGSInstance
        /// True π_k = Σ ℓ over D_k.
        public var trueLoss: [Double]
        /// Pilot indices per client.
        public var pilots: [[Int]]
        /// Client positions.
        public var positions: [[Double]]
    }

    /// Builds the instance: pilots by `sampling` at ρ, π̃ by loss prediction from `datasets`.
    public func generate(datasets: some ClientDatasets, sampling: PilotSampling = .fdc) throws -> Generated {
        let (images, bits) = datasetSizes()
        guard datasets.clientCount == clients else {
            throw OptimizerError(.invalidInstance, "datasets for \(datasets.clientCount) clients, scenario has \(clients)")
        }
        var pilots: [[Int]] = [], predicted: [Double] = [], truth: [Double] = []
        for k in 0..<clients {
            let features = datasets.features(client: k)
            guard features.count == images[k] else {
                throw OptimizerError(.invalidInstance, "client \(k) has \(features.count) images, expected \(images[k])")
            }
            let chosen = try sampling.pilots(features: features, ratio: samplingRatio, seed: seed &+ UInt64(k))
            pilots.append(chosen)
            predicted.append(LossPrediction.predictedDatasetLoss(client: k, images: images[k], pilots: chosen, source: datasets))
            truth.append(LossPrediction.trueDatasetLoss(client: k, images: images[k], source: datasets))
        }
        let (positions, gains) = channels()
        let instance = STTGSInstance(
            noisePower: Units.watts(fromDBm: noiseDBm),
            bandwidths: [Double](repeating: bandwidth, count: clients),
            timeBudget: timeBudget, powerSum: powerSum, powerMax: powerMax,
            imageCounts: images, pilotCounts: pilots.map(\.count), bitsPerSample: bits,
            predictedLoss: predicted, gains: gains)
        try instance.validate()
        return Generated(instance: instance, trueLoss: truth, pilots: pilots, positions: positions)
    }

    /// The default synthetic datasets for this scenario's sizes.
    public func syntheticDatasets() -> SyntheticClientDatasets {
        SyntheticClientDatasets(imageCounts: datasetSizes().images, seed: seed)
    }
}
