import Foundation
import Renderer
import SeededRandom
import Training

/// ECO-GS's device model of the edge's large model (the procedural world's memory scene unless
/// another is given: the daemon's serving version), pruned (``SceneCompressor``) or distilled
/// (``SceneDistillation``), with the cameras both are judged from: random eye-height views in the
/// room (``ProceduralWorld/randomCamera(using:intrinsics:)``), the training and the held-out
/// ones drawn from separate seeded streams.
public struct WorldSmallModel: Sendable {
    /// The probe whose world and intrinsics are used.
    public let probe: WorldProbe
    /// Fraction of the large model's Gaussians the small model keeps.
    public let fraction: Double
    /// The large model the small one is made from (the teacher of the distillation).
    public let large: GaussianScene

    /// Small models of `large` (default: `probe`'s memory scene) keeping `fraction` ∈ (0, 1] of
    /// the Gaussians, judged from views of `probe`'s world.
    public init(probe: WorldProbe, fraction: Double, large: GaussianScene? = nil) throws {
        guard fraction > 0, fraction <= 1 else { throw ScenarioError(.invalidSetting, "small-model fraction must be in (0, 1], got \(fraction)") }
        self.probe = probe
        self.fraction = fraction
        self.large = large ?? probe.world.memoryScene
    }

    /// `count` random cameras of stream `stream` (0: training, 1: held-out).
    public func cameras(count: Int, stream: UInt64, seed: UInt64) throws -> [Camera] {
        var generator = SeededGenerator(seed: seed, stream: Self.cameraStream + stream, index: 0)
        return try (0..<count).map { _ in try probe.world.randomCamera(using: &generator, intrinsics: probe.intrinsics) }
    }

    /// The pruned copy: SH 0, the most important Gaussians, area-compensated (the start of the
    /// distillation, and ECO-GS's small model before this type existed).
    public func pruned(halfPrecision: Bool = false) throws -> SmallModel {
        try SceneCompressor.compress(large, target: .fraction(fraction), halfPrecision: halfPrecision, compensatesArea: true)
    }

    /// The pruned copy distilled from the large model's renders at `trainingViews` cameras,
    /// scored on `heldOutViews` others.
    public func distilled(
        trainingViews: Int, heldOutViews: Int, settings: SceneDistillation.Settings,
        progress: ((GaussianTrainer.StepReport) throws -> Void)? = nil
    ) throws -> SceneDistillation.Result {
        guard trainingViews >= 1, heldOutViews >= 1 else { throw ScenarioError(.invalidSetting, "need at least one training and one held-out view") }
        return try SceneDistillation.distill(
            teacher: large, student: pruned().scene,
            trainingCameras: cameras(count: trainingViews, stream: 0, seed: settings.seed),
            heldOutCameras: cameras(count: heldOutViews, stream: 1, seed: settings.seed), settings: settings, progress: progress)
    }

    /// Random streams of the cameras (training, held-out).
    static let cameraStream: UInt64 = 0xD157_0000
}
