import Foundation
import Logging
import NIOConcurrencyHelpers
import Renderer
import Scenarios
import ServiceLifecycle
import Training

/// ECO-GS's small model distilled in the daemon (`world.small_model = "distilled"`): for the
/// serving large model version, and again after every version training swaps in, it loads the
/// cached model (``SmallModelCache``) or distils one from the large model's renders
/// (``SceneDistillation`` through ``WorldSmallModel``: the pruned copy at SH degree 0 trained on
/// 48 random views of the room, judged on 16 others; papers/eco-gs-irac.txt, Table I), stores
/// it, and swaps it in for the users' small renders (``ServingModel/swapSmall(to:)``).
///
/// The pruned copy serves until then, so a distillation never delays the daemon's start or a
/// slot: it runs on an idle-priority thread (``IdlePriorityThread``), like the edge's training,
/// and a drain stops it between steps. A failed distillation is logged and shown in
/// `/v1/status`; the previous small model keeps serving.
final class SmallModelService: Service, Sendable {
    private let recipe: SmallModelRecord.Recipe
    private let cache: SmallModelCache
    private let models: ServingModel
    private let board: ModelBoard
    private let logger: Logger

    init(configuration: SlotLoopConfiguration, cache: SmallModelCache, models: ServingModel, board: ModelBoard, logger: Logger) {
        recipe = SmallModelRecord.Recipe(configuration)
        self.cache = cache
        self.models = models
        self.board = board
        self.logger = logger
    }

    func run() async throws {
        let (changes, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        models.observe { _ in continuation.yield() }
        var provided: Int?
        for await _ in changes.cancelOnGracefulShutdown() {
            let current = models.current
            guard current.version != provided else { continue }
            provided = current.version
            await provide(for: current)
        }
    }

    /// Serves the small model of `current`'s large model: the cached one, or a new distillation.
    func provide(for current: ServingModel.Current) async {
        do {
            let (model, record, source) = try await cachedOrDistilled(current)
            models.swapSmall(to: model)
            board.update { $0.small.serve(model, record: record, source: source) }
            logger.info(
                "serving the distilled small model",
                metadata: [
                    "large_version": "\(record.largeVersion)", "source": "\(source)", "gaussians": "\(model.scene.count)",
                    "psnr_pruned": "\(record.psnrPruned)", "psnr_distilled": "\(record.psnrDistilled)",
                    "distill_seconds": "\(record.distillSeconds)",
                ])
        } catch is CancellationError {
            board.update { $0.small.distilling = false }
        } catch {
            board.update {
                $0.small.distilling = false
                $0.small.lastError = "\(error)"
            }
            logger.warning("small model distillation failed; the previous small model keeps serving", metadata: ["error": "\(error)"])
        }
    }

    private func cachedOrDistilled(_ current: ServingModel.Current) async throws -> (SmallModel, SmallModelRecord, String) {
        do {
            if let cached = try cache.load(largeVersion: current.version, recipe: recipe) { return (cached.model, cached.record, "cache") }
        } catch {
            logger.warning("cached small model unusable; distilling it again", metadata: ["error": "\(error)"])
        }
        let (model, draft) = try await distill(current)
        do {
            return (model, try cache.store(model, draft), "distillation")
        } catch {
            // The model serves all the same; the next start distils it again.
            logger.warning("could not cache the small model", metadata: ["error": "\(error)"])
            return (model, draft, "distillation")
        }
    }

    /// Distils `current`'s large model on an idle-priority thread, progress on the board.
    private func distill(_ current: ServingModel.Current) async throws -> (SmallModel, SmallModelRecord) {
        let (recipe, board) = (self.recipe, self.board)
        var draft = SceneDistillation.Settings()
        (draft.iterations, draft.seed, draft.threads) = (recipe.iterations, recipe.seed, 1)
        let settings = draft
        let small = try WorldSmallModel(
            probe: WorldProbe(world: current.world.world, width: recipe.viewWidth, height: recipe.viewHeight), fraction: recipe.fraction,
            large: current.world.large)
        board.update {
            $0.small.distilling = true
            $0.small.iteration = 0
            $0.small.iterations = recipe.iterations
        }
        logger.info(
            "distilling the small model; the pruned copy serves meanwhile",
            metadata: ["large_version": "\(current.version)", "iterations": "\(recipe.iterations)"])
        let started = ContinuousClock.now
        let stop = NIOLockedValueBox(false)
        let result = try await withGracefulShutdownHandler {
            try await IdlePriorityThread.run(name: "small-model-distillation") { _ in
                try small.distilled(trainingViews: recipe.trainingViews, heldOutViews: recipe.heldOutViews, settings: settings) { report in
                    if stop.withLockedValue({ $0 }) { throw CancellationError() }
                    board.update { $0.small.iteration = report.iteration }
                }
            }
        } onGracefulShutdown: {
            stop.withLockedValue { $0 = true }
        }
        board.update { $0.small.distilling = false }
        let record = SmallModelRecord(
            largeVersion: current.version, recipe: recipe, gaussians: result.model.scene.count, sha256: "", psnrPruned: result.initial.psnr,
            psnrDistilled: result.trained.psnr, distillSeconds: (ContinuousClock.now - started).seconds)
        return (result.model, record)
    }
}
