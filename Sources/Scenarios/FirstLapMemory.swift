import Foundation
import Renderer
import SeededRandom
import Training

/// GSMR's memory as the paper builds it (papers/gsmr-gsclo.txt §IV-A): a GS model trained on
/// H pose–image pairs the robot recorded, here its first lap of a route in the procedural
/// world. The H frames are spread evenly over one period of the route and show reality at the
/// time they were taken (so what changed before the lap is learned, what moves afterwards is
/// not); the model starts from ``PointCloud/sampled(from:count:noise:using:)`` points of
/// reality at time 0 (the stand-in for the structure-from-motion points of a real lap) and is
/// trained by ``GaussianTrainer``. Unlike the procedural memory, its renders differ from
/// reality everywhere by a reconstruction error, so no frame has loss exactly 0.
public struct FirstLapMemory: Sendable, Equatable {
    /// H, the training frames of the lap.
    public var frames = 288
    /// Optimisation steps.
    public var iterations = 2000
    /// Start points.
    public var points = 20_000
    /// Standard deviation of the start points' noise, metres.
    public var pointNoise = 0.02
    /// Largest SH degree trained.
    public var shDegree = 1
    /// Seed of the start points and the view order.
    public var seed: UInt64 = 0
    /// Worker threads (results do not depend on it).
    public var threads = 1

    /// The defaults: 288 frames, 2000 steps from 20 000 points, SH degree 1.
    public init() {}

    /// The camera poses and reality images of the first lap of `route` seen through `probe`.
    public func lapViews(probe: WorldProbe, route: WorldRoute) throws -> [TrainingView] {
        guard frames >= 1 else { throw ScenarioError(.invalidSetting, "the lap needs at least one frame") }
        let rasterizer = GaussianRasterizer()
        return try (0..<frames).map { frame in
            let time = route.period * Double(frame) / Double(frames)
            let camera = try route.camera(atTime: time, intrinsics: probe.intrinsics)
            let image = rasterizer.render(probe.world.realityScene(atTime: time), camera: camera).clampedToUnitRange()
            return try TrainingView(name: String(format: "lap-%04d", frame), camera: camera, image: image)
        }
    }

    /// The memory trained on the first lap of `route`; `progress` sees every step.
    public func train(probe: WorldProbe, route: WorldRoute, progress: ((GaussianTrainer.StepReport) -> Void)? = nil) throws -> GaussianScene {
        let views = try lapViews(probe: probe, route: route)
        var generator = SeededGenerator(seed: seed, stream: Self.pointStream, index: 0)
        let start = try PointCloud.sampled(from: probe.world.realityScene(atTime: 0), count: points, noise: pointNoise, using: &generator)
            .initialScene(shDegree: shDegree)
        let trainer = try GaussianTrainer(scene: start, views: views, configuration: configuration)
        for _ in 0..<iterations {
            let report = trainer.step()
            progress?(report)
        }
        return trainer.scene
    }

    /// The reference trainer's settings with its schedule compressed to `iterations` steps
    /// (densify from 1/60 to 1/2 of the run, every 100 steps as the reference; the SH degree
    /// rises every 1/30 of the run), without opacity resets, large-Gaussian pruning after 1/10.
    public var configuration: TrainingConfiguration {
        var c = TrainingConfiguration()
        let scale = Double(iterations) / 30_000
        c.iterations = iterations
        c.maxSHDegree = shDegree
        c.shDegreeInterval = max(1, Int(1000 * scale))
        c.densifyFrom = Int(500 * scale)
        c.densifyUntil = Int(15_000 * scale)
        c.densifyInterval = 100
        c.opacityResetInterval = 0
        c.pruneLargeAfter = iterations / 10
        c.seed = seed
        c.threads = threads
        return c
    }

    /// Random stream of the start points.
    static let pointStream: UInt64 = 0x6C_A9
}
