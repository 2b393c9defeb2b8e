import Foundation
@testable import Renderer
import SeededRandom
import Testing

/// The reverse pass against central finite differences of the independent Double-precision
/// brute-force renderer (``ReferenceRenderer``), on a loss Σ wₚ·Cₚ with random pixel weights.
@Suite struct DifferentiableRasterizerTests {
    static let camera = GaussianRasterizerTests.frontCamera

    /// Random weights per pixel and channel: the loss whose ∂/∂pixel is the weights themselves.
    static func weights(for camera: Camera, seed: UInt64) -> [Float] {
        var rng = SeededGenerator(seed: seed)
        return (0..<(3 * camera.width * camera.height)).map { _ in Float(rng.nextUniform(in: -1..<1)) }
    }

    static func loss(_ scene: GaussianScene, camera: Camera, weights: [Float], background: SIMD3<Float>) -> Double {
        let image = ReferenceRenderer.render(scene, camera: camera, background: background)
        return zip(image, weights).reduce(0.0) { $0 + $1.0 * Double($1.1) }
    }

    /// One parameter group of the scene, read and written by flat index.
    enum Group: String, CaseIterable {
        case positions, logScales, rotations, opacityLogits, sh

        func value(_ s: GaussianScene, _ k: Int) -> Float {
            switch self {
            case .positions: s.positions[k]
            case .logScales: s.logScales[k]
            case .rotations: s.rotations[k]
            case .opacityLogits: s.opacityLogits[k]
            case .sh: s.sh[k]
            }
        }

        func set(_ s: inout GaussianScene, _ k: Int, _ v: Float) {
            switch self {
            case .positions: s.positions[k] = v
            case .logScales: s.logScales[k] = v
            case .rotations: s.rotations[k] = v
            case .opacityLogits: s.opacityLogits[k] = v
            case .sh: s.sh[k] = v
            }
        }

        func gradient(_ g: SceneGradient) -> [Float] {
            switch self {
            case .positions: g.positions
            case .logScales: g.logScales
            case .rotations: g.rotations
            case .opacityLogits: g.opacityLogits
            case .sh: g.sh
            }
        }

        func perGaussian(_ s: GaussianScene) -> Int {
            switch self {
            case .positions, .logScales: 3
            case .rotations: 4
            case .opacityLogits: 1
            case .sh: 3 * s.coefficientsPerChannel
            }
        }
    }

    /// Central differences with steps h and h/2 (powers of two, so Float parameters move
    /// exactly); a parameter whose two estimates disagree has a discontinuity (a 1/255, 0.99,
    /// stop or tile-rectangle decision) inside the step and is not compared.
    static func check(
        _ scene: GaussianScene, camera: Camera, gaussians: [Int], background: SIMD3<Float> = .zero,
        seed: UInt64, shSamples: Int = 6
    ) -> (compared: Int, skipped: Int, failures: [String]) {
        let w = weights(for: camera, seed: seed)
        let rasterizer = DifferentiableRasterizer()
        let options = RenderOptions(background: background, threads: 2)
        _ = rasterizer.forward(scene, camera: camera, options: options)
        var gradient = SceneGradient(zeroFor: scene)
        rasterizer.backward(scene, pixelGradient: w, into: &gradient)
        var rng = SeededGenerator(seed: seed &+ 1)
        var compared = 0, skipped = 0
        var failures: [String] = []
        for group in Group.allCases {
            let analytic = group.gradient(gradient)
            var estimates: [(k: Int, fd: Double)] = []
            for i in gaussians {
                let per = group.perGaussian(scene)
                var offsets = Array(0..<per)
                if group == .sh, per > shSamples { offsets = (0..<shSamples).map { _ in Int(rng.next() % UInt64(per)) } }
                for o in offsets {
                    let k = i * per + o
                    func difference(_ h: Float) -> Double {
                        var plus = scene, minus = scene
                        group.set(&plus, k, group.value(scene, k) + h)
                        group.set(&minus, k, group.value(scene, k) - h)
                        return
                            (loss(plus, camera: camera, weights: w, background: background)
                            - loss(minus, camera: camera, weights: w, background: background)) / Double(2 * h)
                    }
                    let (coarse, fine) = (difference(0x1p-13), difference(0x1p-14))
                    if abs(coarse - fine) > 1e-4 * max(abs(fine), 1e-3) {
                        skipped += 1
                        continue
                    }
                    estimates.append((k, fine))
                }
            }
            let scale = estimates.map { abs($0.fd) }.max() ?? 0
            for (k, fd) in estimates where abs(fd) >= 1e-2 * scale && abs(fd) > 1e-6 {
                compared += 1
                let error = abs(Double(analytic[k]) - fd) / abs(fd)
                if error >= 1e-3 { failures.append("\(group.rawValue)[\(k)]: analytic \(analytic[k]), FD \(fd), rel. error \(error)") }
            }
        }
        return (compared, skipped, failures)
    }

    static func expectMatches(_ result: (compared: Int, skipped: Int, failures: [String]), minimum: Int) {
        #expect(result.failures.isEmpty, "\(result.failures.count) of \(result.compared): \(result.failures.prefix(8))")
        #expect(result.compared >= minimum, "only \(result.compared) compared")
        #expect(result.skipped * 10 <= result.compared, "\(result.skipped) skipped as discontinuous")
    }

    @Test(arguments: 0...3) func gradientsMatchFiniteDifferencesOnRandomScenes(degree: Int) {
        let scene = TestScenes.random(count: 24, shDegree: degree, seed: UInt64(300 + degree), depth: 1.5...4)
        let result = Self.check(
            scene, camera: Self.camera, gaussians: [0, 3, 7, 11, 17, 23], background: SIMD3(0.2, 0.5, 0.9),
            seed: UInt64(degree))
        Self.expectMatches(result, minimum: 40)
    }

    /// Tilted camera; Gaussians just beyond the near plane, on tile borders, and outside the
    /// 1.3×-field-of-view margin where the Jacobian's evaluation point is clamped.
    @Test func gradientsMatchNearThePlaneAtTileBordersAndBeyondTheMargin() throws {
        let camera = try Camera.lookAt(
            eye: SIMD3(0.1, -0.05, -0.2), target: SIMD3(0, 0, 3), up: SIMD3(0, -1, 0),
            intrinsics: GaussianRasterizerTests.intrinsics)
        var gaussians: [Gaussian] = []
        var rng = SeededGenerator(seed: 11)
        func shCoefficients() -> [SIMD3<Float>] {
            (0..<16).map { j in SIMD3<Float>((0..<3).map { _ in Float(rng.nextGaussian() * (j == 0 ? 1 : 0.3)) }) }
        }
        // Near the near plane (camera-space depth a little over 0.2).
        for (x, y) in [(0.02, 0.01), (-0.03, 0.02)] {
            gaussians.append(
                Gaussian(
                    position: SIMD3(Float(x), Float(y), 0.05), logScale: SIMD3(-5, -4.6, -5.2),
                    rotation: SIMD4(0.9, 0.2, -0.1, 0.3), opacityLogit: 0.7, sh: shCoefficients()))
        }
        // Projected means on the tile borders x = 16, 32 and y = 16 (through the camera's ray).
        let inverse = (
            SIMD3(camera.rotation.0.x, camera.rotation.1.x, camera.rotation.2.x),
            SIMD3(camera.rotation.0.y, camera.rotation.1.y, camera.rotation.2.y),
            SIMD3(camera.rotation.0.z, camera.rotation.1.z, camera.rotation.2.z)
        )
        func world(pixel: SIMD2<Float>, depth: Float) -> SIMD3<Float> {
            let c = SIMD3((pixel.x - camera.cx) / camera.fx * depth, (pixel.y - camera.cy) / camera.fy * depth, depth) - camera.translation
            return SIMD3((inverse.0 * c).sum(), (inverse.1 * c).sum(), (inverse.2 * c).sum())
        }
        for (pixel, depth) in [(SIMD2<Float>(16, 10), Float(2.5)), (SIMD2(32, 16), 3), (SIMD2(16.2, 16.1), 2.2)] {
            gaussians.append(
                Gaussian(
                    position: world(pixel: pixel, depth: depth), logScale: SIMD3(-2.9, -3.3, -3.1),
                    rotation: SIMD4(0.5, -0.4, 0.7, 0.1), opacityLogit: 1.2, sh: shCoefficients()))
        }
        // Beyond the margin: t_x/t_z ≈ 0.9 > 1.3·W/(2·fx) ≈ 0.73 and t_y/t_z ≈ −0.75 < −0.52, large enough to reach the image.
        gaussians.append(
            Gaussian(
                position: world(pixel: SIMD2(19.3 + 40 * 0.9, 20), depth: 2), logScale: SIMD3(-1.2, -1.6, -1.4),
                rotation: SIMD4(0.8, 0.1, 0.3, -0.2), opacityLogit: 0.3, sh: shCoefficients()))
        gaussians.append(
            Gaussian(
                position: world(pixel: SIMD2(10, 21.7 - 46 * 0.75), depth: 2.5), logScale: SIMD3(-1.3, -1.1, -1.5),
                rotation: SIMD4(0.6, -0.3, 0.2, 0.5), opacityLogit: -0.2, sh: shCoefficients()))
        let scene = try GaussianScene(shDegree: 3, gaussians: gaussians)
        let rasterizer = DifferentiableRasterizer()
        _ = rasterizer.forward(scene, camera: camera, options: RenderOptions(threads: 1))
        #expect(rasterizer.lastFrameStatistics.visibleGaussians == gaussians.count)
        let result = Self.check(scene, camera: camera, gaussians: Array(gaussians.indices), seed: 5, shSamples: 8)
        Self.expectMatches(result, minimum: 60)
    }

    @Test func forwardRendersExactlyWhatTheRasteriserRenders() {
        let scene = TestScenes.random(count: 200, shDegree: 2, seed: 9)
        let options = RenderOptions(background: SIMD3(0.1, 0.3, 0.2), threads: 3)
        let image = DifferentiableRasterizer().forward(scene, camera: Self.camera, options: options)
        #expect(image == GaussianRasterizer().render(scene, camera: Self.camera, options: options))
    }

    @Test func gradientsAreIdenticalForAnyThreadCount() {
        let scene = TestScenes.random(count: 300, shDegree: 3, seed: 10)
        let w = Self.weights(for: Self.camera, seed: 3)
        let gradients = [1, 2, 3, 5].map { threads in
            let rasterizer = DifferentiableRasterizer()
            _ = rasterizer.forward(scene, camera: Self.camera, options: RenderOptions(threads: threads))
            var gradient = SceneGradient(zeroFor: scene)
            rasterizer.backward(scene, pixelGradient: w, into: &gradient)
            return gradient
        }
        #expect(gradients.allSatisfy { $0 == gradients[0] })
        #expect(gradients[0].positions.contains { $0 != 0 })
    }
}
