import Foundation
import Logging
import Renderer
import Scenarios
import SlotModel
import Testing

@testable import EdgeServer

/// ECO-GS's distilled small model in the daemon: users' small renders use it once distilled,
/// it is closer to the large model than the pruned copy, and the data directory's cache is
/// reused after a restart unless it is damaged or made with other settings.
@Suite("Small model service (distilled small model, cache)")
struct SmallModelServiceTests {
    /// A 2000-Gaussian world whose small model keeps a tenth; 120 steps distil it in a few seconds.
    static func configuration(iterations: Int = 120) -> SlotLoopConfiguration {
        var configuration = SlotLoopConfiguration()
        (configuration.worldSeed, configuration.worldGaussians, configuration.smallFraction) = (3, 2000, 0.1)
        (configuration.smallModel, configuration.smallIterations) = (.distilled, iterations)
        return configuration
    }

    static let world = try! SlotWorld(seed: 3, gaussianCount: 2000, smallFraction: 0.1)

    /// A daemon start's small model: version 1 serving `world` from `directory`, the service's
    /// provision done. Returns the models and the board.
    static func start(_ directory: String, configuration: SlotLoopConfiguration = configuration()) async throws -> (ServingModel, ModelBoard) {
        let repository = try ModelRepositoryTests.repository(directory)
        let models = ServingModel(version: 1, world: world)
        let board = ModelBoard()
        board.update { $0.small = SmallModelStatus(pruned: world.small) }
        let service = SmallModelService(
            configuration: configuration, cache: SmallModelCache(repository: repository), models: models, board: board,
            logger: ModelRepositoryTests.logger)
        await service.provide(for: models.current)
        return (models, board)
    }

    /// Mean PSNR (dB) of the users' small render against the large render at user views the
    /// distillation never saw, rendered the way the users' policy renders them.
    static func smallVersusLarge(_ models: ServingModel) async throws -> Double {
        let cameras = try WorldSmallModel(probe: WorldProbe(world: world.world, width: 64, height: 48), fraction: 0.1)
            .cameras(count: 8, stream: 7, seed: 11)
        let renderer = SlotRenderer(pool: RenderPool(workers: 1), models: models)
        let psnrs = await renderer.map(cameras) { camera, rasterizer, world -> Double in
            let options = RenderOptions(threads: 1)
            let large = rasterizer.render(world.large, camera: camera, options: options)
            let small = rasterizer.render(world.small.scene, camera: camera, options: options)
            return Double((try? ImageMetrics.psnr(small, large)) ?? 0)
        }
        return psnrs.reduce(0, +) / Double(psnrs.count)
    }

    /// `model.small` of the daemon's `/v1/status`.
    static func status(_ daemon: TestDaemon) async throws -> SmallModelStatus {
        let client = try await daemon.http(token: nil)
        defer { Task { await client.close() } }
        let response = try await client.request(.GET, "/v1/status")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(StatusReport.self, from: Data(response.text.utf8)).model.small
    }

    @Test("the daemon serves the pruned copy, then the distilled one (/v1/status), and caches it")
    func daemonStatus() async throws {
        let directory = TestDaemon.temporaryDirectory()
        let daemon = try await TestDaemon.start(dataDirectory: directory, withSlotLoop: true) { configuration in
            configuration.slotLoop = Self.configuration(iterations: 30)
        }
        var status = try await Self.status(daemon)
        let deadline = ContinuousClock.now + .seconds(120)
        while status.kind == "pruned", ContinuousClock.now < deadline {
            #expect(status.gaussians == Self.world.small.scene.count && status.lastError == nil)
            try await Task.sleep(for: .milliseconds(200))
            status = try await Self.status(daemon)
        }
        #expect(status.kind == "distilled" && status.source == "distillation" && status.gaussians == Self.world.small.scene.count)
        try await daemon.stop()
        #expect(DurableFile.list(directory + "/models") == ["1.ply", "small-1.json", "small-1.ply"])
    }

    @Test("users' small renders use the distilled model, closer to the large model than the pruned copy")
    func distilledServes() async throws {
        let pruned = try await Self.smallVersusLarge(ServingModel(version: 1, world: Self.world))
        let (models, board) = try await Self.start(TestDaemon.temporaryDirectory())
        let small = models.current.world.small
        #expect(small.scene.count == Self.world.small.scene.count && small.scene.shDegree == 0)
        #expect(small.scene.positions != Self.world.small.scene.positions, "the pruned copy still serves")
        let distilled = try await Self.smallVersusLarge(models)
        #expect(distilled > pruned + 1, "pruned \(pruned) dB, distilled \(distilled) dB")
        let status = board.status.small
        #expect(status.kind == "distilled" && status.source == "distillation" && status.largeVersion == 1 && !status.distilling)
        #expect(status.gaussians == small.scene.count && status.bytes == small.bytes)
        #expect((status.psnrDistilled ?? 0) > (status.psnrPruned ?? .infinity))
    }

    @Test("a restart loads the cached model; a damaged or stale cache is distilled again")
    func cacheReuse() async throws {
        let directory = TestDaemon.temporaryDirectory()
        let (first, _) = try await Self.start(directory)
        let distilled = first.current.world.small.scene

        let (restarted, board) = try await Self.start(directory)
        #expect(board.status.small.source == "cache")
        #expect(restarted.current.world.small.scene == distilled)

        // One flipped byte in the last Gaussian's values: the file still parses, its digest does not match.
        let path = directory + "/models/small-1.ply"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[bytes.count - 5] ^= 0x40
        try bytes.write(to: URL(fileURLWithPath: path))
        let (rebuilt, rebuiltBoard) = try await Self.start(directory)
        #expect(rebuiltBoard.status.small.source == "distillation")
        #expect(rebuilt.current.world.small.scene == distilled, "a distillation is deterministic for its seed")
        #expect(try await Self.start(directory).1.status.small.source == "cache", "the rebuilt cache is trusted again")

        let (_, staleBoard) = try await Self.start(directory, configuration: Self.configuration(iterations: 20))
        #expect(staleBoard.status.small.source == "distillation" && staleBoard.status.small.iterations == 20)
    }
}
