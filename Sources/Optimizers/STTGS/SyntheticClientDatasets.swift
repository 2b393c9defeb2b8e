import Foundation
import SeededRandom

/// What the generator needs from the clients' datasets: per-image feature vectors (for FDC)
/// and per-image losses under the edge's model S′ (for loss prediction). The renderer-backed
/// source (HSV of downsampled images, ℓ of rendered poses) conforms to this later.
public protocol ClientDatasets: PerImageLossSource {
    /// Number of clients.
    var clientCount: Int { get }
    /// The feature vector of each image of `client`, in timestamp order.
    func features(client: Int) -> [[Float]]
}

/// The documented synthetic stand-in for rendered datasets (labelled "synthetic" in every
/// instance it feeds).
///
/// Each client drives through a sequence of regions. A region has a feature centre (what an
/// 8×6 HSV thumbnail, 144 values in [0, 1], of that place looks like) and a loss level:
/// regions the edge's S′ already knows render well (ℓ ≈ 0.02–0.10), new ones badly
/// (ℓ ≈ 0.25–0.45), the range of the paper's Table III. Dwell times are uneven (geometric, with
/// occasional stops that produce runs of near-identical frames). Within a region the features
/// drift along a direction and the loss drifts with them, plus per-image noise, so images
/// that look alike have alike losses — the premise of FDC.
public struct SyntheticClientDatasets: ClientDatasets {
    /// Feature length: 8×6 pixels × (H, S, V).
    public static let featureLength = 144
    /// Images per client.
    public let imageCounts: [Int]
    private let featureTable: [[[Float]]]
    private let lossTable: [[Double]]

    /// Datasets for clients with `imageCounts` images; `knownFraction` of the regions are
    /// already known to S′.
    public init(imageCounts: [Int], seed: UInt64, knownFraction: Double = 0.5) {
        self.imageCounts = imageCounts
        var features: [[[Float]]] = [], losses: [[Double]] = []
        for (client, count) in imageCounts.enumerated() {
            var generator = SeededGenerator(seed: seed, stream: 0x5747_6473, index: UInt64(client))
            // Clients differ in how much of their route S′ already covers.
            let known = min(1, max(0, knownFraction + generator.nextUniform(in: -0.4..<0.4)))
            var clientFeatures: [[Float]] = [], clientLosses: [Double] = []
            while clientFeatures.count < count {
                let centre = (0..<Self.featureLength).map { _ in generator.nextUnit() }
                let drift = (0..<Self.featureLength).map { _ in generator.nextGaussian() * 0.15 }
                let base =
                    generator.nextUnit() < known
                    ? generator.nextUniform(in: 0.02..<0.10) : generator.nextUniform(in: 0.25..<0.45)
                let slope = generator.nextUniform(in: -0.08..<0.08)
                let dwell = 3 + Int(-log(1 - generator.nextUnit()) * 25)
                let stopped = generator.nextUnit() < 0.3
                for step in 0..<min(dwell, count - clientFeatures.count) {
                    let t = stopped ? 0 : Double(step) / Double(dwell) - 0.5
                    clientFeatures.append(
                        (0..<Self.featureLength).map { d in
                            Float(min(1, max(0, centre[d] + t * drift[d] + 0.02 * generator.nextGaussian())))
                        })
                    clientLosses.append(max(0.001, base + slope * t + 0.01 * generator.nextGaussian()))
                }
            }
            features.append(clientFeatures)
            losses.append(clientLosses)
        }
        featureTable = features
        lossTable = losses
    }

    public var clientCount: Int { imageCounts.count }

    public func features(client: Int) -> [[Float]] { featureTable[client] }

    public func loss(client: Int, image: Int) -> Double { lossTable[client][image] }
}
