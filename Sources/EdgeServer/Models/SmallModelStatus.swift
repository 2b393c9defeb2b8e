import Renderer

/// The `model.small` part of `/v1/status`: the users' small model (ECO-GS) that serves now and,
/// with `world.small_model = "distilled"`, the distillation's progress. The pruned copy serves
/// until the distilled one is ready (``SmallModelService``).
struct SmallModelStatus: Codable, Sendable, Equatable {
    /// `pruned` or `distilled`: what users' small renders use now.
    var kind = SlotLoopConfiguration.SmallModelSource.pruned.rawValue
    /// The large model version a distilled model was made from (nil for the pruned copy, made
    /// from the procedural memory scene at start).
    var largeVersion: Int?
    var gaussians = 0
    /// Parameter bytes (14 values per Gaussian, SH degree 0).
    var bytes = 0
    /// Where a distilled model came from: `distillation` (this run) or `cache`
    /// (`models/small-<version>.ply`, distilled by an earlier run).
    var source: String?
    /// Mean PSNR (dB) against the large model's renders on the distillation's held-out views:
    /// of the pruned start and of the distilled model.
    var psnrPruned: Double?
    var psnrDistilled: Double?
    /// Wall seconds the distillation took (on its idle-priority thread).
    var distillSeconds: Double?
    /// Whether a distillation is under way, and how far.
    var distilling = false
    var iteration = 0
    var iterations = 0
    /// The last distillation's failure, if it failed (the previous small model keeps serving).
    var lastError: String?

    /// No small model yet (the daemon runs neither the slot loop nor the rounds).
    init() {}

    /// The status of `model` served as the pruned copy.
    init(pruned model: SmallModel) {
        gaussians = model.scene.count
        bytes = model.bytes
    }

    /// Shows `model`, distilled from version `record.largeVersion`, as serving.
    mutating func serve(_ model: SmallModel, record: SmallModelRecord, source: String) {
        kind = SlotLoopConfiguration.SmallModelSource.distilled.rawValue
        largeVersion = record.largeVersion
        gaussians = model.scene.count
        bytes = model.bytes
        self.source = source
        psnrPruned = record.psnrPruned
        psnrDistilled = record.psnrDistilled
        distillSeconds = record.distillSeconds
        (iteration, iterations) = (record.recipe.iterations, record.recipe.iterations)
        lastError = nil
    }
}
