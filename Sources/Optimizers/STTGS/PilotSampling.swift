import Foundation
import SeededRandom

/// How a client picks its pilot set D̃_k (paper §IV): FDC and the two baselines.
public enum PilotSampling: String, CaseIterable, Sendable, Codable {
    /// Feature-domain clustering: k-means on the image features, one pilot per cluster —
    /// the member nearest the centroid.
    case fdc
    /// k images drawn uniformly without replacement.
    case random
    /// Every (n/k)-th image in timestamp order.
    case uniform

    /// |D̃_k| = ⌈ρ|D_k|⌉ (eq. 13), at least 1; the tiny guard keeps ρ·n = 10.000000000000002
    /// from rounding up to 11.
    public static func pilotCount(ratio: Double, images: Int) -> Int {
        min(images, max(1, Int((ratio * Double(images) - 1e-9).rounded(.up))))
    }

    /// The pilot indices (sorted) for one client's images, described by `features` (one
    /// vector per image, in timestamp order; FDC uses them, the baselines only count them).
    public func pilots(features: [[Float]], ratio: Double, seed: UInt64) throws -> [Int] {
        guard !features.isEmpty else { throw OptimizerError(.invalidInstance, "pilot sampling: a client without images") }
        guard ratio > 0, ratio <= 1 else { throw OptimizerError(.invalidInstance, "pilot sampling: ratio \(ratio) not in (0, 1]") }
        let n = features.count
        let k = Self.pilotCount(ratio: ratio, images: n)
        switch self {
        case .fdc:
            let clustering = try KMeans(clusterCount: k, seed: seed).fit(features)
            return clustering.representatives(of: features).sorted()
        case .random:
            var generator = SeededGenerator(seed: seed)
            var indices = Array(0..<n)
            for i in 0..<k { indices.swapAt(i, i + Int(generator.next() % UInt64(n - i))) }
            return indices.prefix(k).sorted()
        case .uniform:
            return (0..<k).map { $0 * n / k }
        }
    }
}

/// Supplies ℓ(R(s|S′), v) for image `image` of client `client`: the GS loss of the edge's
/// model on that pose. The renderer plugs in here; the generator's default is synthetic.
public protocol PerImageLossSource: Sendable {
    /// The loss of one image.
    func loss(client: Int, image: Int) -> Double
}

/// Loss prediction (eq. 17–19): ψ_k = mean ℓ over the pilots, π̃_k = |D_k|·ψ_k.
public enum LossPrediction {
    /// ψ_k for the pilots of `client`.
    public static func meanPilotLoss(client: Int, pilots: [Int], source: some PerImageLossSource) -> Double {
        pilots.reduce(0) { $0 + source.loss(client: client, image: $1) } / Double(pilots.count)
    }

    /// π̃_k = |D_k|·ψ_k.
    public static func predictedDatasetLoss(client: Int, images: Int, pilots: [Int], source: some PerImageLossSource) -> Double {
        Double(images) * meanPilotLoss(client: client, pilots: pilots, source: source)
    }

    /// The true π_k = Σ ℓ over all of D_k (what the prediction estimates).
    public static func trueDatasetLoss(client: Int, images: Int, source: some PerImageLossSource) -> Double {
        (0..<images).reduce(0) { $0 + source.loss(client: client, image: $1) }
    }
}
