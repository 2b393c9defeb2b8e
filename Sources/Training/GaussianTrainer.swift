import Dispatch
import Foundation
import Renderer
import SeededRandom

/// Trains a 3DGS scene on posed images on the CPU, as the reference trainer does (Kerbl et al.
/// 2023, §5–7): one view per step, the loss of ``TrainingLoss`` on the unclamped render, the exact
/// reverse pass of ``DifferentiableRasterizer``, Adam with the reference's learning rates and
/// position schedule, the SH degree raised step by step, and adaptive density control
/// (clone / split / prune, opacity reset; ``GaussianTrainer/densify()``).
///
/// A run is a function of its inputs and `configuration.seed`: the thread count changes no bit
/// (the reverse pass reduces in a fixed order, Adam is element-wise, and every random draw
/// comes from a generator keyed by the seed and the epoch or step, which also lets a checkpoint
/// resume bit-identically without generator state).
public final class GaussianTrainer {
    /// The scene being trained (its SH degree is the highest trained; ``activeSHDegree`` is used).
    public internal(set) var scene: GaussianScene
    /// The run's settings.
    public let configuration: TrainingConfiguration
    /// The training views.
    public let views: [TrainingView]
    /// Scene extent: 1.1 × the largest distance of a training camera from their mean centre
    /// (the reference's `cameras_extent`), scaling the position learning rate and the
    /// densification size thresholds.
    public let extent: Double
    /// Steps taken so far.
    public internal(set) var iteration = 0
    /// SH degree currently rendered and trained.
    public internal(set) var activeSHDegree = 0
    /// Seconds spent in each phase since the trainer was made.
    public internal(set) var timings = PhaseTimings()

    var firstMoment: GaussianScene
    var secondMoment: GaussianScene
    /// Per Gaussian since the last densification: Σ‖view-space mean gradient‖, views seen, and
    /// the largest pixel radius.
    var gradientSum: [Float]
    var gradientViews: [Float]
    var maxScreenRadius: [Float]
    /// Training views still to visit in this epoch (popped from the end), and epochs begun.
    var viewOrder: [Int] = []
    var epoch = 0
    let rasterizer = DifferentiableRasterizer()
    var gradient: SceneGradient
    var pixelGradient: [Float] = []

    /// Wall-clock seconds per phase of a step.
    public struct PhaseTimings: Sendable, Equatable {
        /// Projection, binning and blending.
        public var forward = 0.0
        /// The loss and its gradient.
        public var loss = 0.0
        /// The reverse pass.
        public var backward = 0.0
        /// Adam.
        public var optimizer = 0.0
        /// Statistics, densification, pruning and opacity resets.
        public var densification = 0.0
    }

    /// What one step saw.
    public struct StepReport: Sendable {
        /// The step's number (1-based).
        public var iteration: Int
        /// Index of the training view used.
        public var view: Int
        /// Loss, L1 and SSIM of the (unclamped) render.
        public var loss: Float, l1: Float, ssim: Float
        /// PSNR of the clamped render against the view, dB.
        public var psnr: Float
        /// Gaussians after the step.
        public var gaussians: Int
    }

    /// A trainer for `scene` on `views`. The scene is lifted to SH degree
    /// `configuration.maxSHDegree` (new coefficients zero) so that every degree can be trained.
    public init(scene: GaussianScene, views: [TrainingView], configuration: TrainingConfiguration) throws {
        guard !views.isEmpty else { throw TrainingError(.invalidArgument, "no training views") }
        guard (0...3).contains(configuration.maxSHDegree) else {
            throw TrainingError(.invalidArgument, "SH degree \(configuration.maxSHDegree) is outside 0…3")
        }
        guard configuration.iterations >= 0, configuration.threads >= 1 else {
            throw TrainingError(.invalidArgument, "iterations must be ≥ 0 and threads ≥ 1")
        }
        let lifted = try scene.withSHDegree(configuration.maxSHDegree)
        self.scene = lifted
        self.configuration = configuration
        self.views = views
        activeSHDegree = min(max(configuration.startSHDegree, 0), lifted.shDegree)
        extent = Self.extent(of: views.map(\.camera))
        firstMoment = try GaussianScene.zeros(count: lifted.count, shDegree: lifted.shDegree)
        secondMoment = firstMoment
        gradientSum = [Float](repeating: 0, count: lifted.count)
        gradientViews = gradientSum
        maxScreenRadius = gradientSum
        gradient = SceneGradient(zeroFor: lifted)
    }

    /// 1.1 × the largest distance of a camera centre from the centres' mean (at least 1e−6).
    public static func extent(of cameras: [Camera]) -> Double {
        let centres = cameras.map { SIMD3<Double>($0.position) }
        let mean = centres.reduce(SIMD3<Double>.zero, +) / Double(max(1, centres.count))
        let radius = centres.map { (($0 - mean) * ($0 - mean)).sum().squareRoot() }.max() ?? 0
        return max(radius * 1.1, 1e-6)
    }

    /// What the last step's forward did.
    public var lastFrameStatistics: GaussianRasterizer.FrameStatistics { rasterizer.lastFrameStatistics }

    /// Render options of the trainer at its current SH degree.
    public var renderOptions: RenderOptions {
        RenderOptions(background: configuration.background, threads: configuration.threads, maxSHDegree: activeSHDegree)
    }

    /// One optimisation step on the next view of a seeded shuffle of the training views.
    @discardableResult
    public func step() -> StepReport {
        iteration += 1
        if configuration.shDegreeInterval > 0, iteration % configuration.shDegreeInterval == 0 {
            activeSHDegree = min(activeSHDegree + 1, scene.shDegree)
        }
        if viewOrder.isEmpty {
            var order = SeededGenerator(seed: configuration.seed, stream: RandomStream.viewOrder.rawValue, index: UInt64(epoch))
            viewOrder = Array(views.indices).shuffled(using: &order)
            epoch += 1
        }
        let viewIndex = viewOrder.removeLast()
        let view = views[viewIndex]

        var clock = DispatchTime.now().uptimeNanoseconds
        func lap(_ phase: WritableKeyPath<PhaseTimings, Double>) {
            let now = DispatchTime.now().uptimeNanoseconds
            timings[keyPath: phase] += Double(now - clock) * 1e-9
            clock = now
        }
        let render = rasterizer.forward(scene, camera: view.camera, options: renderOptions)
        lap(\.forward)
        let value = TrainingLoss.evaluate(
            render: render.pixels, target: view.image.pixels, width: render.width, height: render.height,
            lambda: Float(configuration.ssimWeight), padding: configuration.ssimPadding, threads: configuration.threads,
            gradient: &pixelGradient)
        lap(\.loss)
        rasterizer.backward(scene, pixelGradient: pixelGradient, into: &gradient)
        lap(\.backward)
        adamStep()
        lap(\.optimizer)
        updateDensificationStatistics(camera: view.camera)
        densifyIfDue()
        lap(\.densification)
        return StepReport(
            iteration: iteration, view: viewIndex, loss: value.loss, l1: value.l1, ssim: value.ssim,
            psnr: Self.psnr(render, view.image), gaussians: scene.count)
    }

    /// The scene rendered from `camera` at the current SH degree (unclamped).
    public func render(camera: Camera) -> RGBImage {
        GaussianRasterizer().render(scene, camera: camera, options: renderOptions)
    }

    /// PSNR in dB of `render` clamped to [0, 1] against `target`.
    static func psnr(_ render: RGBImage, _ target: RGBImage) -> Float {
        var squared = 0.0
        for (a, b) in zip(render.pixels, target.pixels) {
            let d = Double(min(max(a, 0), 1) - b)
            squared += d * d
        }
        let mse = squared / Double(max(1, render.pixels.count))
        return mse == 0 ? .infinity : Float(10 * log10(1 / mse))
    }
}

/// The keyed random streams of a run (see ``SeededGenerator/init(seed:stream:index:)``).
enum RandomStream: UInt64 {
    /// Indexed by epoch: the order of the training views.
    case viewOrder = 1
    /// Indexed by step: the samples of split Gaussians.
    case splits = 2
}
