import Foundation
import Optimizers
import Renderer

/// GSMR per-frame losses measured in the procedural world (issue 4, item 3).
///
/// Run r's robot drives ``ProceduralWorld/route(index:)`` r (run 0: the perimeter patrol; the
/// others: seeded loops), one frame every `framePeriod` seconds (default 0.25 s, so T = 288
/// frames cover 72 s, about one lap of the patrol). At frame t the camera sees the reality scene
/// at time t·framePeriod; the edge holds the memory scene. Both renders are composed with the
/// world's virtual layer at that pose (papers/gsmr-gsclo.txt eq. 1, m = d⊙r + (1−d)⊙v) and
/// L_t = ℓ(MR frame from the real image, MR frame from the memory's render).
public struct WorldFrameLosses: FrameLossSource {
    /// Renders the views.
    public let probe: WorldProbe
    /// Seconds between frames.
    public let framePeriod: Double

    /// Losses from `probe`'s world at one frame per `framePeriod` seconds.
    public init(probe: WorldProbe, framePeriod: Double = 0.25) throws {
        guard framePeriod > 0, framePeriod.isFinite else { throw ScenarioError(.invalidSetting, "frame period must be positive, got \(framePeriod)") }
        self.probe = probe
        self.framePeriod = framePeriod
    }

    public var name: String {
        "world(seed=\(probe.world.seed),gaussians=\(probe.world.memoryScene.count),probe=\(probe.intrinsics.width)x\(probe.intrinsics.height),dt=\(framePeriod)s)"
    }

    /// The two MR frames of every frame of run `run`, compared (the real MR frame is the reference).
    public func comparisons(frames: Int, run: Int) throws -> [ImageComparison] {
        guard frames >= 1, run >= 0 else { throw ScenarioError(.invalidSetting, "need at least one frame and a run index ≥ 0") }
        let route = probe.world.route(index: run)
        let rasterizer = GaussianRasterizer()
        return try (0..<frames).map { frame in
            let time = Double(frame) * framePeriod
            return try comparison(camera: route.camera(atTime: time, intrinsics: probe.intrinsics), time: time, rasterizer: rasterizer)
        }
    }

    /// The MR frame from reality at `time` against the MR frame from the memory, both seen by `camera`.
    public func comparison(camera: Camera, time: Double, rasterizer: GaussianRasterizer = GaussianRasterizer()) throws -> ImageComparison {
        let layer = probe.world.virtualLayer(camera: camera, rasterizer: rasterizer)
        let real = try MixedReality.compose(real: rasterizer.render(probe.world.realityScene(atTime: time), camera: camera), layer: layer)
        let memory = try MixedReality.compose(real: rasterizer.render(probe.world.memoryScene, camera: camera), layer: layer)
        return try ImageComparison(reference: real, candidate: memory)
    }

    public func losses(frames: Int, run: Int) throws -> [Double] {
        try comparisons(frames: frames, run: run).map(\.loss)
    }
}
