import Foundation
import Renderer
import SeededRandom
import Training

/// A known scene and datasets rendered from it, shared by the trainer tests.
enum TrainingFixtures {
    /// A floor of coloured tiles and a few blobs above it: ~`count` Gaussians with SH degree 1.
    static func groundTruth(count: Int = 240, seed: UInt64 = 1) -> GaussianScene {
        var rng = SeededGenerator(seed: seed)
        var gaussians: [Gaussian] = []
        for i in 0..<count {
            let onFloor = i % 3 != 0
            let position =
                onFloor
                ? SIMD3<Float>(Float(rng.nextUniform(in: -1.2..<1.2)), Float(rng.nextUniform(in: -1.2..<1.2)), 0)
                : SIMD3<Float>(Float(rng.nextUniform(in: -0.6..<0.6)), Float(rng.nextUniform(in: -0.6..<0.6)), Float(rng.nextUniform(in: 0.1..<0.8)))
            let cell = (Int((position.x + 2) * 2) + Int((position.y + 2) * 2)) % 2
            let color =
                onFloor
                ? (cell == 0 ? SIMD3<Float>(0.9, 0.8, 0.2) : SIMD3<Float>(0.1, 0.3, 0.8))
                : SIMD3<Float>(Float(rng.nextUnit()), Float(rng.nextUnit()), Float(rng.nextUnit()))
            let scale = onFloor ? SIMD3<Float>(0.12, 0.12, 0.01) : SIMD3<Float>(repeating: Float(rng.nextUniform(in: 0.05..<0.12)))
            gaussians.append(Gaussian(position: position, scale: scale, opacity: 0.9, color: color, shDegree: 1))
        }
        return try! GaussianScene(shDegree: 1, gaussians: gaussians)
    }

    /// `count` cameras on a ring of radius 3 at height 1.6 looking at the origin.
    static func ringCameras(count: Int, width: Int = 64, height: Int = 48) -> [Camera] {
        (0..<count).map { k in
            let angle = 2 * Float.pi * Float(k) / Float(count)
            let eye = SIMD3<Float>(3 * cos(angle), 3 * sin(angle), 1.6 + 0.3 * sin(3 * angle))
            return try! Camera.lookAt(
                eye: eye, target: SIMD3(0, 0, 0.2), up: SIMD3(0, 0, 1),
                intrinsics: .init(width: width, height: height, verticalFieldOfViewDegrees: 50))
        }
    }

    /// The ground truth rendered from 24 ring cameras; every 8th view held out.
    static func dataset(width: Int = 64, height: Int = 48) -> TrainingDataset {
        let scene = groundTruth()
        let views = ringCameras(count: 24, width: width, height: height).enumerated().map { k, camera in
            var image = scene.render(camera: camera, options: RenderOptions(threads: 2))
            for i in image.pixels.indices { image.pixels[i] = min(max(image.pixels[i], 0), 1) }
            return try! TrainingView(name: String(format: "view%02d.png", k), camera: camera, image: image)
        }
        return TrainingDataset(views: views, points: noisyPoints(of: scene, sigma: 0.05, seed: 2))
    }

    /// The ground-truth centres with Gaussian noise, coloured by the true DC colour plus noise.
    static func noisyPoints(of scene: GaussianScene, sigma: Double, seed: UInt64) -> PointCloud {
        var rng = SeededGenerator(seed: seed)
        let positions = (0..<scene.count).map { i in
            scene[i].position + SIMD3<Float>(Float(rng.nextGaussian() * sigma), Float(rng.nextGaussian() * sigma), Float(rng.nextGaussian() * sigma))
        }
        let colors = (0..<scene.count).map { i -> SIMD3<Float> in
            let base = scene[i].sh[0] * SphericalHarmonics.c0 + 0.5
            return base + SIMD3<Float>(repeating: Float(rng.nextGaussian() * 0.1))
        }
        return try! PointCloud(positions: positions, colors: colors)
    }

    /// A short-run configuration: densification from step 100 every 100, SH up every 100.
    static func shortRun(iterations: Int, threads: Int = 1, seed: UInt64 = 7) -> TrainingConfiguration {
        var c = TrainingConfiguration()
        c.iterations = iterations
        c.densifyFrom = 100
        c.densifyInterval = 100
        c.shDegreeInterval = 100
        c.maxSHDegree = 1
        c.threads = threads
        c.seed = seed
        return c
    }
}
