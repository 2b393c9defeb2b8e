import Dispatch
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
///
/// The memory is the world's procedural memory scene (identical to reality wherever nothing
/// changed, so those frames have loss exactly 0) or, with ``Memory/firstLap(_:)``, a GS model
/// trained on the robot's first lap of the run's route (§IV-A); the frames are then measured on
/// the second lap, starting one route period later.
public struct WorldFrameLosses: FrameLossSource {
    /// The edge's GS memory.
    public enum Memory: Sendable, Equatable {
        /// ``ProceduralWorld/memoryScene``.
        case procedural
        /// Trained per run on the first lap of its route.
        case firstLap(FirstLapMemory)
    }

    /// Renders the views.
    public let probe: WorldProbe
    /// Seconds between frames.
    public let framePeriod: Double
    /// The memory the frames are rendered from.
    public let memory: Memory
    /// Receives a progress line now and then while a memory trains (long runs).
    public let log: (@Sendable (String) -> Void)?

    /// Losses from `probe`'s world at one frame per `framePeriod` seconds.
    public init(probe: WorldProbe, framePeriod: Double = 0.25, memory: Memory = .procedural, log: (@Sendable (String) -> Void)? = nil) throws {
        guard framePeriod > 0, framePeriod.isFinite else { throw ScenarioError(.invalidSetting, "frame period must be positive, got \(framePeriod)") }
        self.probe = probe
        self.framePeriod = framePeriod
        self.memory = memory
        self.log = log
    }

    public var name: String {
        let memoryName =
            switch memory {
            case .procedural: ""
            case .firstLap(let lap): ",memory=first-lap(H=\(lap.frames),iterations=\(lap.iterations),points=\(lap.points),sh=\(lap.shDegree))"
            }
        return
            "world(seed=\(probe.world.seed),gaussians=\(probe.world.memoryScene.count),probe=\(probe.intrinsics.width)x\(probe.intrinsics.height),dt=\(framePeriod)s\(memoryName))"
    }

    /// The memory scene of run `run` and the time its measured frames start.
    func memoryScene(run: Int, route: WorldRoute) throws -> (scene: GaussianScene, start: Double) {
        switch memory {
        case .procedural:
            return (probe.world.memoryScene, 0)
        case .firstLap(let lap):
            let clock = DispatchTime.now().uptimeNanoseconds
            let scene = try lap.train(probe: probe, route: route) { [log] report in
                guard let log, report.iteration % 250 == 0 || report.iteration == lap.iterations else { return }
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - clock) * 1e-9
                log(
                    String(
                        format: "run %d memory: step %d/%d, loss %.4f, %d Gaussians, %.0f s", run, report.iteration, lap.iterations,
                        report.loss, report.gaussians, seconds))
            }
            return (scene, route.period)
        }
    }

    /// The two MR frames of every frame of run `run`, compared (the real MR frame is the reference).
    public func comparisons(frames: Int, run: Int) throws -> [ImageComparison] {
        guard frames >= 1, run >= 0 else { throw ScenarioError(.invalidSetting, "need at least one frame and a run index ≥ 0") }
        let route = probe.world.route(index: run)
        let (memory, start) = try memoryScene(run: run, route: route)
        let rasterizer = GaussianRasterizer()
        return try (0..<frames).map { frame in
            let time = start + Double(frame) * framePeriod
            return try comparison(
                camera: route.camera(atTime: time, intrinsics: probe.intrinsics), time: time, memory: memory, rasterizer: rasterizer)
        }
    }

    /// The MR frame from reality at `time` against the MR frame from `memory` (default: the
    /// procedural memory scene), both seen by `camera`.
    public func comparison(
        camera: Camera, time: Double, memory memoryScene: GaussianScene? = nil,
        rasterizer: GaussianRasterizer = GaussianRasterizer()
    ) throws -> ImageComparison {
        let layer = probe.world.virtualLayer(camera: camera, rasterizer: rasterizer)
        let real = try MixedReality.compose(real: rasterizer.render(probe.world.realityScene(atTime: time), camera: camera), layer: layer)
        let memory = try MixedReality.compose(real: rasterizer.render(memoryScene ?? probe.world.memoryScene, camera: camera), layer: layer)
        return try ImageComparison(reference: real, candidate: memory)
    }

    public func losses(frames: Int, run: Int) throws -> [Double] {
        try comparisons(frames: frames, run: run).map(\.loss)
    }
}
