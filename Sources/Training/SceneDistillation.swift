import Foundation
import Renderer

/// ECO-GS's device-side small model made by training instead of pruning alone
/// (papers/eco-gs-irac.txt, Table I: a degree-0 model, 14 values per Gaussian, ≈ 2.5 dB below
/// the edge's large model): knowledge distillation from the large model's renders.
///
/// The student starts as ``SceneCompressor``'s pruned copy (the most important Gaussians at SH
/// degree 0, area-compensated); the targets are the teacher's renders at `trainingCameras`; the
/// student is optimised by ``GaussianTrainer`` at SH degree 0 with its Gaussian count fixed
/// (densification and opacity resets off — the device budget is the point), then optionally
/// rounded to fp16 for storage. Quality is measured on `heldOutCameras` against the teacher's
/// renders before and after, so the result states what training added to pruning.
public enum SceneDistillation {
    /// The run's settings.
    public struct Settings: Sendable, Equatable {
        /// Optimisation steps (one training camera each).
        public var iterations = 2000
        /// Round the distilled values to fp16 (2 bytes per value instead of 4).
        public var halfPrecision = false
        /// Seed of the view order.
        public var seed: UInt64 = 0
        /// Worker threads (results do not depend on it).
        public var threads = 1

        /// 2000 steps, fp32, seed 0, one thread.
        public init() {}
    }

    /// A distilled small model with its quality before and after training.
    public struct Result: Sendable {
        /// The distilled model (what a device stores).
        public var model: SmallModel
        /// The pruned initialisation's quality on the held-out cameras (renders vs the teacher's).
        public var initial: GaussianTrainer.Evaluation
        /// The stored model's quality on the held-out cameras.
        public var trained: GaussianTrainer.Evaluation
    }

    /// Renders `teacher` at every camera (clamped to [0, 1], black background as the trainer's)
    /// as training views named `prefix`-index.
    public static func teacherViews(_ teacher: GaussianScene, cameras: [Camera], prefix: String, threads: Int = 1) throws -> [TrainingView] {
        let rasterizer = GaussianRasterizer()
        let options = RenderOptions(background: TrainingConfiguration().background, threads: threads)
        return try cameras.enumerated().map { index, camera in
            try TrainingView(
                name: "\(prefix)-\(index)", camera: camera, image: rasterizer.render(teacher, camera: camera, options: options).clampedToUnitRange())
        }
    }

    /// Distils `teacher` into a degree-0 student of `student.count` Gaussians that starts as
    /// `student` (e.g. ``SceneCompressor/compress(_:target:halfPrecision:compensatesArea:)``'s
    /// pruned copy). `progress`, if given, sees every step; an error it throws ends the run
    /// and is rethrown (the daemon stops a distillation this way when it drains).
    public static func distill(
        teacher: GaussianScene, student: GaussianScene, trainingCameras: [Camera], heldOutCameras: [Camera],
        settings: Settings = Settings(), progress: ((GaussianTrainer.StepReport) throws -> Void)? = nil
    ) throws -> Result {
        guard student.shDegree == 0 else { throw TrainingError(.invalidArgument, "the student must have SH degree 0, has \(student.shDegree)") }
        guard !heldOutCameras.isEmpty else { throw TrainingError(.invalidArgument, "no held-out cameras") }
        guard settings.iterations >= 0 else { throw TrainingError(.invalidArgument, "iterations must be ≥ 0") }
        let training = try teacherViews(teacher, cameras: trainingCameras, prefix: "train", threads: settings.threads)
        let heldOut = try teacherViews(teacher, cameras: heldOutCameras, prefix: "held-out", threads: settings.threads)
        let trainer = try GaussianTrainer(scene: student, views: training, configuration: configuration(settings))
        let initial = try trainer.evaluate(heldOut)
        for _ in 0..<settings.iterations {
            let report = trainer.step()
            try progress?(report)
        }
        let stored = settings.halfPrecision ? trainer.scene.mapValues { Float(Float16($0)) } : trainer.scene
        let model = SmallModel(scene: stored, halfPrecision: settings.halfPrecision)
        return Result(model: model, initial: initial, trained: try evaluate(stored, on: heldOut, threads: settings.threads))
    }

    /// The quality of degree-0 `scene` on `views` (renders clamped, as ``GaussianTrainer/evaluate(_:renders:)``).
    public static func evaluate(_ scene: GaussianScene, on views: [TrainingView], threads: Int = 1) throws -> GaussianTrainer.Evaluation {
        var settings = Settings()
        settings.iterations = 0
        settings.threads = threads
        return try GaussianTrainer(scene: scene, views: views, configuration: configuration(settings)).evaluate(views)
    }

    /// The reference trainer's rates at SH degree 0 with the Gaussian count fixed: no
    /// densification, no opacity reset, the position rate decaying over the run.
    static func configuration(_ settings: Settings) -> TrainingConfiguration {
        var c = TrainingConfiguration()
        c.iterations = settings.iterations
        c.maxSHDegree = 0
        c.densifyUntil = 0
        c.opacityResetInterval = 0
        c.seed = settings.seed
        c.threads = settings.threads
        return c
    }
}
