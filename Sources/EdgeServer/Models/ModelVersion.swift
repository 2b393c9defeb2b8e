import Foundation

/// One version of the edge's large model, as the catalog records it and `GET /v1/models` lists
/// it: where it came from, what it was trained on, and its held-out quality before and after.
struct ModelVersion: Codable, Sendable, Equatable {
    /// 1, 2, … in the order the versions were made.
    var version: Int
    /// The version it was fine-tuned from (nil for the first).
    var parent: Int?
    /// `procedural` (the world's memory scene), `scene` (a PLY given by `world.scene`) or `trained`.
    var source: String
    /// The file, relative to the data directory (`models/<version>.ply`).
    var path: String
    var gaussians: Int
    /// Rounds whose stored samples it was trained on.
    var rounds: [Int]
    /// Samples trained on and held out.
    var trainingSamples: Int
    var heldOutSamples: Int
    var iterations: Int
    /// Mean loss of the last iterations (the reference's (1 − λ)·L1 + λ·(1 − SSIM)).
    var finalLoss: Double?
    /// Held-out PSNR (dB) and SSIM of the parent and of this version, on the same views.
    var psnrBefore: Double?
    var ssimBefore: Double?
    var psnrAfter: Double?
    var ssimAfter: Double?
    /// Wall seconds the training took.
    var trainingSeconds: Double
    /// Served (now or after a restart): a trained version is promoted only when its held-out
    /// PSNR is not below its parent's.
    var promoted: Bool
    var createdAt: Date
}
