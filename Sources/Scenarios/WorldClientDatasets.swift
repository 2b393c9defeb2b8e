import Foundation
import Optimizers
import Renderer
import SeededRandom

/// STT-GS client datasets recorded in the procedural world (issue 8, item 4).
///
/// Each client drives its own seeded tour and records one (image, pose) pair per
/// `framePeriod` seconds from the **reality** scene at that time. A tour alternates dwelling
/// at a ``WorldViewpoint`` (small seeded jitter: eye ±0.15 m, target ±0.25 m) for 5–30 frames
/// with driving to the next one over 6–15 interpolated frames. Even-numbered clients only visit
/// ``WorldViewpoint/unchanged`` (the west half, which the edge already knows); odd-numbered
/// clients visit all viewpoints, including every ``WorldViewpoint/changed`` one (lamp corner,
/// removed and added objects, walker, rolling ball), so their data is worth more to the edge.
///
/// The edge's model S′ is the world's memory scene. The per-image loss is
/// ℓ(real image, S′ rendered at the same pose); the FDC feature vector of an image is the HSV
/// of the image block-averaged down to 8×6 pixels (144 values in [0, 1]), so the probe size must
/// be a multiple of 8×6 with one factor (160×120 → blocks of 20×20 pixels).
public struct WorldClientDatasets: ClientDatasets {
    /// Thumbnail the FDC features are computed from.
    public static let thumbnailWidth = 8, thumbnailHeight = 6
    /// Feature length: 8×6 pixels × (H, S, V).
    public static let featureLength = 3 * thumbnailWidth * thumbnailHeight
    /// Random stream of the tours.
    static let tourStream: UInt64 = 0x5771_0035

    /// Images per client.
    public let imageCounts: [Int]
    /// Poses of every client's images, in timestamp order.
    public let poses: [[Camera]]
    private let featureTable: [[[Float]]]
    private let lossTable: [[Double]]

    /// Whether client `client` drives through the world's changes (odd indices do).
    public static func drivesThroughChanges(client: Int) -> Bool { client % 2 == 1 }

    /// Records `imageCounts[k]` images for every client k from `probe`'s world, tours seeded
    /// by `seed`. `imageSink`, if given, receives every real image (client, index, image), e.g.
    /// to write them for inspection.
    public init(
        probe: WorldProbe, imageCounts: [Int], seed: UInt64, framePeriod: Double = 1,
        imageSink: ((Int, Int, RGBImage) throws -> Void)? = nil
    ) throws {
        _ = try Self.thumbnailFactor(probe)
        guard imageCounts.allSatisfy({ $0 >= 1 }) else { throw ScenarioError(.invalidSetting, "every client needs at least one image") }
        guard framePeriod > 0, framePeriod.isFinite else { throw ScenarioError(.invalidSetting, "frame period must be positive") }
        self.imageCounts = imageCounts
        let rasterizer = GaussianRasterizer()
        var poses: [[Camera]] = [], features: [[[Float]]] = [], losses: [[Double]] = []
        for (client, count) in imageCounts.enumerated() {
            let recorded = try Self.recordTour(
                probe: probe, client: client, count: count, seed: seed, framePeriod: framePeriod, rasterizer: rasterizer)
            for (index, entry) in recorded.enumerated() { try imageSink?(client, index, entry.sample.image) }
            poses.append(recorded.map(\.camera))
            features.append(recorded.map(\.sample.features))
            losses.append(recorded.map(\.sample.loss))
        }
        self.poses = poses
        featureTable = features
        lossTable = losses
    }

    public var clientCount: Int { imageCounts.count }

    public func features(client: Int) -> [[Float]] { featureTable[client] }

    public func loss(client: Int, image: Int) -> Double { lossTable[client][image] }

    /// One recorded image: what the client's camera saw, its FDC features and its loss under S′.
    public struct Sample: Sendable {
        /// The real image.
        public var image: RGBImage
        /// HSV of the 8×6 thumbnail.
        public var features: [Float]
        /// ℓ(real image, S′ render at the same pose).
        public var loss: Double
    }

    /// Client `client`'s tour of `count` frames (seeded by `seed`, one frame per `framePeriod`
    /// seconds) with what its camera recorded at each: the dataset of one STT-GS collector.
    public static func recordTour(
        probe: WorldProbe, client: Int, count: Int, seed: UInt64, framePeriod: Double = 1,
        rasterizer: GaussianRasterizer = GaussianRasterizer()
    ) throws -> [(camera: Camera, sample: Sample)] {
        _ = try thumbnailFactor(probe)
        var generator = SeededGenerator(seed: seed, stream: tourStream, index: UInt64(client))
        let places = drivesThroughChanges(client: client) ? WorldViewpoint.unchanged + WorldViewpoint.changed : WorldViewpoint.unchanged
        return try tour(through: places, frames: count, using: &generator).enumerated().map { index, view in
            let camera = try probe.camera(eye: view.eye, target: view.target)
            return (camera, try record(probe: probe, camera: camera, time: Double(index) * framePeriod, rasterizer: rasterizer))
        }
    }

    /// Records the image `camera` sees in reality at `time` and compares it with the edge's
    /// model S′ (the memory scene) rendered at the same pose.
    public static func record(probe: WorldProbe, camera: Camera, time: Double, rasterizer: GaussianRasterizer = GaussianRasterizer()) throws -> Sample
    {
        let real = rasterizer.render(probe.world.realityScene(atTime: time), camera: camera)
        let edge = rasterizer.render(probe.world.memoryScene, camera: camera)
        return Sample(
            image: real, features: try real.downsampled(by: thumbnailFactor(probe)).hsv(),
            loss: try ImageComparison(reference: real, candidate: edge).loss)
    }

    /// The block size that reduces the probe to the 8×6 thumbnail; throws if there is none.
    static func thumbnailFactor(_ probe: WorldProbe) throws -> Int {
        let (width, height) = (probe.intrinsics.width, probe.intrinsics.height)
        let factor = width / thumbnailWidth
        guard factor >= 1, width == factor * thumbnailWidth, height == factor * thumbnailHeight else {
            throw ScenarioError(.invalidSetting, "probe \(width)×\(height) is not a multiple of 8×6 with one factor (e.g. 160×120, 64×48)")
        }
        return factor
    }

    /// A tour of `frames` viewpoints: dwell (with jitter) at a place, drive to another, repeat.
    static func tour(through places: [WorldViewpoint], frames: Int, using generator: inout SeededGenerator) -> [WorldViewpoint] {
        func jitter(_ amplitude: Double) -> SIMD3<Float> {
            SIMD3((0..<3).map { _ in Float(generator.nextUniform(in: -amplitude..<amplitude)) })
        }
        var current = places[Int(generator.next() % UInt64(places.count))]
        var views: [WorldViewpoint] = []
        while views.count < frames {
            let dwell = 5 + Int(generator.next() % 26)
            for _ in 0..<dwell {
                views.append(WorldViewpoint(current.name, eye: current.eye + jitter(0.15), target: current.target + jitter(0.25)))
            }
            var next = places[Int(generator.next() % UInt64(places.count))]
            if places.count > 1 {
                while next == current { next = places[Int(generator.next() % UInt64(places.count))] }
            }
            let travel = 6 + Int(generator.next() % 10)
            for step in 1...travel {
                views.append(current.interpolated(to: next, fraction: Float(step) / Float(travel + 1)))
            }
            current = next
        }
        return Array(views.prefix(frames))
    }
}
