import ArgumentParser
import Foundation
import Renderer
import SeededRandom
import Training

/// `gs-lab world-dataset`: a training dataset rendered from the procedural world, written as a
/// COLMAP text model with an explicit held-out list, and start points from the ground truth.
struct WorldDatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "world-dataset",
        abstract: "Render a training dataset (COLMAP text model + PNGs + test_list.txt) from the procedural world.",
        discussion: """
            Views are random eye-height cameras in the room (--cameras random, WorldRoute's randomCamera) \
            or an inward-looking ring walked around it with the held-out views spread evenly between the \
            training views (--cameras ring, ringCamera); black background, images clamped and stored as 8-bit PNG. points3D holds --points ground-truth centres with \
            Gaussian noise of --noise metres and their view-independent (DC) colours.
            """)

    @Option(help: "Output directory.") var out: String
    @Option(help: "World seed.") var seed: UInt64 = 1
    @Option(help: "Approximate Gaussian count of the world.") var gaussians: Int = 47_000
    @Option(help: "SH degree of the world.") var shDegree: Int = 3
    @Option(help: "Training views.") var trainViews: Int = 48
    @Option(help: "Held-out views.") var testViews: Int = 8
    @Option(help: "Camera layout: random or ring.") var cameras: CameraLayout = .random
    @Option(help: "Image size WxH.") var resolution: String = "160x120"
    @Option(help: "Vertical field of view, degrees.") var fov: Float = 60
    @Option(help: "Start points drawn from the ground-truth centres.") var points: Int = 8000
    @Option(help: "Standard deviation of the start points' noise, metres.") var noise: Double = 0.02
    @Option(help: "Also write the ground-truth scene as a PLY here.") var groundTruth: String?

    func run() throws {
        guard trainViews >= 1, testViews >= 0, points >= 1, (0...3).contains(shDegree) else {
            throw ValidationError("need ≥ 1 training view, ≥ 1 point, SH degree 0…3")
        }
        let (width, height) = try TrainCommand.parseResolution(resolution)
        let world = ProceduralWorld(seed: seed, configuration: .init(gaussianCount: gaussians, shDegree: shDegree))
        let scene = world.memoryScene
        var rng = SeededGenerator(seed: seed, stream: 21, index: 0)
        let rasterizer = GaussianRasterizer()
        let intrinsics = Camera.Intrinsics(width: width, height: height, verticalFieldOfViewDegrees: fov)
        let total = trainViews + testViews
        let heldOut = Set((0..<testViews).map { j in (2 * j + 1) * total / (2 * testViews) })
        let views = try (0..<total).map { k -> TrainingView in
            let camera =
                switch cameras {
                case .random: try world.randomCamera(using: &rng, intrinsics: intrinsics)
                case .ring: try world.ringCamera(index: k, of: total, intrinsics: intrinsics)
                }
            var image = rasterizer.render(scene, camera: camera, options: RenderOptions())
            for i in image.pixels.indices { image.pixels[i] = (min(max(image.pixels[i], 0), 1) * 255).rounded() / 255 }
            return try TrainingView(name: String(format: "view%03d.png", k), camera: camera, image: image)
        }
        let startPoints = try PointCloud.sampled(from: scene, count: points, noise: noise, using: &rng)
        let isTest: (Int) -> Bool = { k in cameras == .random ? k >= trainViews : heldOut.contains(k) }
        let dataset = TrainingDataset(
            train: views.indices.filter { !isTest($0) }.map { views[$0] },
            test: views.indices.filter(isTest).map { views[$0] },
            points: startPoints)
        try dataset.writeCOLMAPText(to: out)
        if let groundTruth { try scene.writePLY(to: groundTruth) }
        print(
            "world seed \(seed): \(scene.count) Gaussians (SH \(scene.shDegree)); \(cameras) cameras, \(trainViews) training + \(testViews) held-out views at \(width)×\(height), \(startPoints.positions.count) start points (σ \(noise) m) → \(out)"
        )
    }
}

/// Where `gs-lab world-dataset` puts its cameras.
enum CameraLayout: String, ExpressibleByArgument {
    /// Independent random eye-height views anywhere in the room; the held-out views come last.
    case random
    /// An inward-looking ring around the room; held-out views interleaved evenly along it.
    case ring
}
