import Foundation
import NIOConcurrencyHelpers
import Protocol
import Renderer
import Scenarios
import SlotModel
import Testing

@testable import EdgeServer

/// STT-GS step 8 as the daemon runs it: Train(E | S′) on a round's stored samples raises the
/// held-out PSNR; the promotion rule; and the swap that leaves renders in flight on the old model.
@Suite("Model fine-tuning (STT-GS step 8) and the serving swap")
struct ModelFineTuningTests {
    /// A data directory with `rounds` rounds of 5 collectors' tours (10 images each, 48×36)
    /// of `world` stored as the rounds service stores them.
    static func storeRounds(_ rounds: Int, world: ProceduralWorld, directory: String) throws -> Catalog {
        try DurableFile.makeDirectories(directory)
        let catalog = try Catalog(path: directory + "/catalog.sqlite")
        let writer = RoundDatasetWriter(dataDirectory: directory, catalog: catalog)
        let probe = try WorldProbe(world: world, width: 48, height: 36)
        for round in 0..<rounds {
            for client in 0..<5 {
                let tour = try WorldClientDatasets.recordTour(probe: probe, client: client, count: 10, seed: UInt64(round))
                let samples = tour.enumerated().map { i, entry in
                    CollectedSample(index: i, pose: Pose(camera: entry.camera), image: entry.sample.image)
                }
                _ = try writer.add(
                    round: UInt64(round), client: "c\(client)", kind: "dataset", samples: samples,
                    losses: [Double?](repeating: 0.1, count: samples.count))
            }
        }
        return catalog
    }

    @Test("fine-tuning the memory on collected reality images raises held-out PSNR and SSIM, and is promoted")
    func trainingImprovesHeldOutQuality() throws {
        let world = try SlotWorld(seed: 1, gaussianCount: 2000, smallFraction: 0.5)
        let directory = TestDaemon.temporaryDirectory()
        let catalog = try Self.storeRounds(1, world: world.world, directory: directory)
        var configuration = ModelConfiguration()
        configuration.iterations = 150
        let tuning = ModelFineTuning(dataDirectory: directory, catalog: catalog, configuration: configuration)
        var steps: [Int] = []
        let outcome = try tuning.run(
            base: world.large, parent: 1, set: try tuning.roundSet(0), progress: { steps.append($0.iteration) }, cancelled: { false })
        let version = outcome.version
        #expect(steps == Array(1...150))
        #expect(version.trainingSamples == 40 && version.heldOutSamples == 10)
        #expect(version.rounds == [0] && version.parent == 1 && version.iterations == 150 && version.source == "trained")
        let before = try #require(version.psnrBefore), after = try #require(version.psnrAfter)
        print(
            "fine-tuning 150 iterations on 40 views: held-out PSNR \(before) → \(after) dB, SSIM \(version.ssimBefore ?? .nan) → \(version.ssimAfter ?? .nan)"
        )
        #expect(after > before + 0.1)
        #expect(try #require(version.ssimAfter) > (try #require(version.ssimBefore)))
        #expect(version.promoted)
        #expect(outcome.scene.shDegree == world.large.shDegree && outcome.scene.count == world.large.count)

        // The held-out PSNR before training is the served model's own (pooled over the held-out
        // pixels), computed independently from the stored PNGs and the catalog's poses.
        let rasterizer = GaussianRasterizer()
        var squared = 0.0, pixels = 0
        for (offset, sample) in try catalog.samples(rounds: [0]).enumerated() where offset % configuration.holdOutEvery == 0 {
            let image = try RGBImage(pngData: Data(contentsOf: URL(fileURLWithPath: directory + "/" + sample.path)))
            let pose = Pose(
                position: SIMD3(sample.pose[0], sample.pose[1], sample.pose[2]),
                orientation: SIMD4(sample.pose[3], sample.pose[4], sample.pose[5], sample.pose[6]))
            let camera = try pose.camera(intrinsics: ImageSize(width: 48, height: 36)!.intrinsics)
            let render = rasterizer.render(world.large, camera: camera, options: RenderOptions(threads: 1))
            for (a, b) in zip(render.pixels, image.pixels) { squared += Double(min(max(a, 0), 1) - b) * Double(min(max(a, 0), 1) - b) }
            pixels += render.pixels.count
        }
        #expect(abs(10 * log10(Double(pixels) / squared) - before) < 1e-3)
    }

    @Test("earlier rounds join the training set up to training.earlier_rounds", arguments: [0, 1, 3])
    func earlierRounds(count: Int) throws {
        let world = try SlotWorld(seed: 1, gaussianCount: 1000, smallFraction: 0.5)
        let directory = TestDaemon.temporaryDirectory()
        let catalog = try Self.storeRounds(3, world: world.world, directory: directory)
        var configuration = ModelConfiguration()
        configuration.earlierRounds = count
        let set = try ModelFineTuning(dataDirectory: directory, catalog: catalog, configuration: configuration).roundSet(2)
        let expected = Array(max(0, 2 - count)...2)
        #expect(set.rounds == expected && set.source == .round)
        #expect(set.train.count + set.test.count == 50 * expected.count)
    }

    @Test("a drain stops a run between steps")
    func cancellation() throws {
        let world = try SlotWorld(seed: 1, gaussianCount: 1000, smallFraction: 0.5)
        let directory = TestDaemon.temporaryDirectory()
        let catalog = try Self.storeRounds(1, world: world.world, directory: directory)
        let tuning = ModelFineTuning(dataDirectory: directory, catalog: catalog, configuration: ModelConfiguration())
        var last = 0
        #expect(throws: CancellationError.self) {
            try tuning.run(base: world.large, parent: 1, set: try tuning.roundSet(0), progress: { last = $0.iteration }, cancelled: { last >= 3 })
        }
        #expect(last == 3)
    }

    @Test(
        "a version is promoted only when its held-out PSNR does not drop",
        arguments: [(20.0, 21.0, true), (20.0, 20.0, true), (20.0, 19.99, false), (20.0, Double.nan, false), (Double.nan, 18.0, true)])
    func promotion(before: Double, after: Double, promoted: Bool) {
        #expect(ModelFineTuning.promotes(before: before, after: after) == promoted)
    }

    @Test("renders in flight finish on the old model; the next ones use the new one")
    func swapBetweenRenders() async throws {
        let world = try SlotWorld(seed: 1, gaussianCount: 1000, smallFraction: 0.5)
        let models = ServingModel(version: 1, world: world)
        let renderer = SlotRenderer(pool: RenderPool(workers: 1), models: models)
        let replacement = try GaussianScene(
            shDegree: world.large.shDegree, positions: world.large.positions.map { $0 + 1 }, logScales: world.large.logScales,
            rotations: world.large.rotations, opacityLogits: world.large.opacityLogits, sh: world.large.sh)
        let observed = NIOLockedValueBox<[Int]>([])
        models.observe { world in observed.withLockedValue { $0.append(world.large.count) } }
        // The first job swaps the model while the call is running; both jobs still see version 1.
        let during = await renderer.map([0, 1]) { item, _, world -> [Float] in
            if item == 0 { models.swap(to: 2, scene: replacement) }
            return Array(world.large.positions.prefix(3))
        }
        #expect(during == [Array(world.large.positions.prefix(3)), Array(world.large.positions.prefix(3))])
        let after = await renderer.map([0]) { _, _, world in Array(world.large.positions.prefix(3)) }
        #expect(after == [Array(replacement.positions.prefix(3))])
        #expect(models.current.version == 2)
        #expect(observed.withLockedValue { $0 } == [world.large.count, replacement.count])
    }
}
