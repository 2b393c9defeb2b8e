import Foundation

/// What `models/small-<version>.json` says of the distilled small model beside it: the large
/// version and the recipe it was made with, the PLY's SHA-256, and its quality. A cached model is
/// used only when all of these match the file and the daemon's settings.
struct SmallModelRecord: Codable, Sendable, Equatable {
    /// How a distilled small model is made, from the daemon's settings: a model made otherwise is
    /// stale and made again.
    struct Recipe: Codable, Sendable, Equatable {
        /// `world.small_fraction`.
        var fraction: Double
        /// `world.small_iterations`.
        var iterations: Int
        /// `world.seed` (the view order and the cameras).
        var seed: UInt64
        /// Random cameras in the room the teacher is rendered from, and those quality is judged on.
        var trainingViews = 48
        var heldOutViews = 16
        /// Resolution of those views (60° vertical field of view, as every splatedge camera).
        var viewWidth = 64
        var viewHeight = 48

        /// The recipe `configuration` asks for: the views of docs/EXPERIMENTS.md's Table I run
        /// (48 training and 16 held-out views at 64×48).
        init(_ configuration: SlotLoopConfiguration) {
            fraction = configuration.smallFraction
            iterations = configuration.smallIterations
            seed = configuration.worldSeed
        }
    }

    /// The large model version that was the teacher.
    var largeVersion: Int
    var recipe: Recipe
    var gaussians: Int
    /// SHA-256 of the PLY file, lowercase hex.
    var sha256: String
    /// Held-out PSNR (dB) against the teacher's renders, before and after the distillation.
    var psnrPruned: Double
    var psnrDistilled: Double
    /// Wall seconds the distillation took.
    var distillSeconds: Double
}
