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

    /// Checks ranges.
    func validate() throws(ConfigurationError) {
        if let scenePath, scenePath.isEmpty { throw .invalid("world.scene", "must name a PLY file") }
        guard (1...50_000_000).contains(maxSceneGaussians) else {
            throw .invalid("world.scene_max_gaussians", "must be in 1…50000000")
        }
        guard (1...1_000_000).contains(iterations) else { throw .invalid("training.iterations", "must be in 1…1000000") }
        guard (0...10_000).contains(earlierRounds) else { throw .invalid("training.earlier_rounds", "must be in 0…10000") }
        guard (2...1000).contains(holdOutEvery) else { throw .invalid("training.hold_out_every", "must be in 2…1000") }
    }
}
