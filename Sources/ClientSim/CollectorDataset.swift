import Foundation
import Optimizers
import Protocol
import Renderer
import Scenarios
import SlotModel

/// A collector's dataset D_k: the (image, pose) pairs recorded along its tour of the procedural
/// world (``WorldClientDatasets/recordTour(probe:client:count:seed:framePeriod:rasterizer:)``,
/// so odd-numbered collectors see the world's changes and even-numbered ones only what the
/// edge's model already knows), its pilots D̃_k picked locally, and its own true loss
/// Σ ℓ(image, S′ render) reported for evaluation.
struct CollectorDataset: Sendable {
    /// Every sample, in timestamp order.
    let samples: [CollectedSample]
    /// Indices of the pilots (sorted).
    let pilots: [Int]
    /// ℓ(image, S′ at its pose) per sample.
    let losses: [Double]

    /// Records collector `index`'s tour of `options.items` frames at `size` and samples its pilots.
    init(index: Int, seed: UInt64, world: ProceduralWorld, size: ImageSize, options: CollectorOptions) throws {
        let probe = try WorldProbe(world: world, width: size.width, height: size.height)
        let recorded = try WorldClientDatasets.recordTour(
            probe: probe, client: index, count: options.items, seed: seed, framePeriod: options.framePeriod)
        samples = recorded.enumerated().map { i, entry in
            CollectedSample(index: i, pose: Pose(camera: entry.camera), image: entry.sample.image)
        }
        // The loss of the 8-bit image that is uploaded, as the edge will compute it.
        let rasterizer = GaussianRasterizer()
        losses = try zip(samples, recorded).map { sample, entry in
            Double(try ImageMetrics.gsLoss(sample.image, rasterizer.render(world.memoryScene, camera: entry.camera)))
        }
        let sampling = PilotSampling(rawValue: options.sampling) ?? .fdc
        pilots = try sampling.pilots(features: recorded.map(\.sample.features), ratio: options.samplingRatio, seed: seed &+ UInt64(index))
    }

    /// The bundle of the pilot set (uploaded in stage 1).
    var pilotBundle: [UInt8] { SampleBundle.encode(pilots.map { samples[$0] }) }

    /// The bundle of the rest of the dataset, D_k \ D̃_k (uploaded in stage 2 when selected).
    var remainderBundle: [UInt8] {
        let chosen = Set(pilots)
        return SampleBundle.encode(samples.filter { !chosen.contains($0.index) })
    }

    /// The true dataset loss π_k = Σ ℓ over D_k.
    var trueLoss: Double { losses.reduce(0, +) }
}
