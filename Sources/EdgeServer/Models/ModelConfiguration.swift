/// The edge's model versions and its STT-GS training service (`world.scene`,
/// `world.scene_max_gaussians`, `[training]` in the TOML file; docs/OPERATIONS.md lists them).
///
/// The defaults keep a fine-tuning run short on two shared cores: the paper's Train(E | S′)
/// (STT-GS step 8) is the reference 3DGS trainer, here with its learning rates and schedules
/// but `iterations` steps instead of 30,000 (densification starts at step 500, so a run this
/// short only moves, recolours and reshapes the Gaussians it starts with).
struct ModelConfiguration: Sendable, Equatable {
    /// A 3DGS PLY that becomes model version 1 instead of the procedural memory scene
    /// (`world.scene`, `--scene`); nil serves the procedural world's memory.
    var scenePath: String? = nil
    /// Most Gaussians a model file may hold (`world.scene_max_gaussians`); bounds the bytes read.
    var maxSceneGaussians = 2_000_000
    /// Fine-tune the serving model after every collection round (`training.enabled`).
    var trainingEnabled = true
    /// Optimisation steps per fine-tuning run, one view each (`training.iterations`).
    var iterations = 300
    /// Earlier rounds whose stored samples join a round's own (`training.earlier_rounds`).
    var earlierRounds = 4
    /// Every n-th sample (by round, client, index) is held out for PSNR/SSIM (`training.hold_out_every`).
    var holdOutEvery = 5
    /// Seed of the run's view order (`training.seed`).
    var seed: UInt64 = 1
    /// Seconds between GSMR memory updates from robots' images at the most
    /// (`training.memory_update_s`, ``MemoryUpdatePlanner``); 0, the default, keeps the memory
    /// fixed between collection rounds.
    var memoryUpdateSeconds = 0.0
    /// New robots' images an update needs (`training.memory_update_min_images`).
    var memoryUpdateMinimumImages = 24
    /// Most recent robots' images kept for updates (`training.memory_update_images`).
    var memoryUpdateImages = 192

    /// The memory planner's settings; nil when updates are off.
    var memoryUpdates: MemoryUpdatePlanner.Settings? {
        guard trainingEnabled, memoryUpdateSeconds > 0 else { return nil }
        return .init(
            interval: memoryUpdateSeconds, minimumNewImages: memoryUpdateMinimumImages, capacity: memoryUpdateImages,
            holdOutEvery: holdOutEvery)
    }

    /// Checks ranges.
    func validate() throws(ConfigurationError) {
        if let scenePath, scenePath.isEmpty { throw .invalid("world.scene", "must name a PLY file") }
        guard (1...50_000_000).contains(maxSceneGaussians) else {
            throw .invalid("world.scene_max_gaussians", "must be in 1…50000000")
        }
        guard (1...1_000_000).contains(iterations) else { throw .invalid("training.iterations", "must be in 1…1000000") }
        guard (0...10_000).contains(earlierRounds) else { throw .invalid("training.earlier_rounds", "must be in 0…10000") }
        guard (2...1000).contains(holdOutEvery) else { throw .invalid("training.hold_out_every", "must be in 2…1000") }
        guard memoryUpdateSeconds.isFinite, (0...86_400).contains(memoryUpdateSeconds) else {
            throw .invalid("training.memory_update_s", "must be in [0, 86400] seconds")
        }
        guard memoryUpdateSeconds == 0 || trainingEnabled else {
            throw .invalid("training.memory_update_s", "needs training.enabled = true")
        }
        // A set holds at least one held-out and one training image; the window lives in memory
        // (12 bytes a pixel: 1000 images at 640×480 are 3.7 GB).
        guard (holdOutEvery...1000).contains(memoryUpdateImages) else {
            throw .invalid("training.memory_update_images", "must be in training.hold_out_every (\(holdOutEvery))…1000")
        }
        guard (1...memoryUpdateImages).contains(memoryUpdateMinimumImages) else {
            throw .invalid("training.memory_update_min_images", "must be in 1…training.memory_update_images (\(memoryUpdateImages))")
        }
    }
}
