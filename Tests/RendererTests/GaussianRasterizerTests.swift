import Foundation
import Renderer
import Testing

@Suite struct GaussianRasterizerTests {
    /// Odd size, off-centre principal point, unequal focal lengths.
    static let intrinsics = Camera.Intrinsics(width: 45, height: 37, fx: 40, fy: 46, cx: 19.3, cy: 21.7)

    static func compare(_ scene: GaussianScene, camera: Camera, background: SIMD3<Float> = .zero, threads: Int = 2) -> (psnr: Double, maxDiff: Double)
    {
        let image = GaussianRasterizer().render(scene, camera: camera, options: RenderOptions(background: background, threads: threads))
        let reference = ReferenceRenderer.render(scene, camera: camera, background: background)
        var squared = 0.0, maxDiff = 0.0
        for (a, b) in zip(image.pixels, reference) {
            let d = abs(Double(a) - b)
            squared += d * d
            maxDiff = max(maxDiff, d)
        }
        let mse = squared / Double(reference.count)
        return (mse == 0 ? .infinity : 10 * log10(1 / mse), maxDiff)
    }

    static let frontCamera = try! Camera(
        width: 45, height: 37, fx: 40, fy: 46, cx: 19.3, cy: 21.7,
        rotation: (SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1)), translation: .zero)

    @Test(arguments: 0...3) func matchesBruteForceOnRandomScenes(degree: Int) {
        let scene = TestScenes.random(count: 80, shDegree: degree, seed: UInt64(100 + degree))
        let (psnr, maxDiff) = Self.compare(scene, camera: Self.frontCamera, background: SIMD3(0.2, 0.5, 0.9))
        #expect(psnr >= 60, "PSNR \(psnr)")
        #expect(maxDiff <= 1e-3, "max diff \(maxDiff)")
    }

    @Test func matchesBruteForceFromATiltedCameraWithDenseOcclusion() throws {
        // Many opaque, large Gaussians: exercises early termination and the 0.99 alpha clamp.
        var scene = TestScenes.random(count: 150, shDegree: 3, seed: 7, depth: 2...4)
        scene = scene.mapValues { $0 }
        let dense = try GaussianScene(
            shDegree: 3,
            gaussians: (0..<150).map { i in
                var g = scene[i]
                g.logScale += 1.2
                g.opacityLogit = 5
                return g
            })
        let camera = try Camera.lookAt(eye: SIMD3(0.7, -0.4, -0.5), target: SIMD3(0, 0.1, 3), up: SIMD3(0.2, -1, 0), intrinsics: Self.intrinsics)
        let (psnr, maxDiff) = Self.compare(dense, camera: camera)
        #expect(psnr >= 60, "PSNR \(psnr)")
        #expect(maxDiff <= 1e-3, "max diff \(maxDiff)")
    }

    @Test func gaussiansBehindOrAtTheNearPlaneAreCulledLikeTheReference() throws {
        let depths: [Float] = [-1, 0, 0.1, 0.199, 0.2, 0.201, 0.25, 0.4]
        let gaussians = depths.enumerated().map { i, z in
            Gaussian(
                position: SIMD3(Float(i - 4) * 0.02, 0.01, z), scale: SIMD3(repeating: 0.01), opacity: 0.8,
                color: SIMD3(Float(i) / 8, 0.5, 1 - Float(i) / 8), shDegree: 1)
        }
        let scene = try GaussianScene(shDegree: 1, gaussians: gaussians)
        let (psnr, maxDiff) = Self.compare(scene, camera: Self.frontCamera, background: SIMD3(1, 1, 1))
        #expect(psnr >= 60 && maxDiff <= 1e-3, "PSNR \(psnr), max diff \(maxDiff)")
        // Only the Gaussians strictly beyond z = 0.2 may be visible.
        let rasterizer = GaussianRasterizer()
        _ = rasterizer.render(scene, camera: Self.frontCamera)
        #expect(rasterizer.lastFrameStatistics.visibleGaussians == 3)
    }

    @Test func outputDoesNotDependOnThreadCount() {
        let scene = TestScenes.random(count: 150, shDegree: 3, seed: 9)
        let camera = try! Camera(
            width: 67, height: 41, fx: 50, fy: 50, cx: 30, cy: 20,
            rotation: (SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1)), translation: .zero)
        let rasterizer = GaussianRasterizer()
        let single = rasterizer.render(scene, camera: camera, options: RenderOptions(threads: 1))
        for threads in [2, 3, 8] {
            #expect(rasterizer.render(scene, camera: camera, options: RenderOptions(threads: threads)) == single)
        }
    }

    @Test func maxSHDegreeRendersLikeATruncatedScene() throws {
        let scene = TestScenes.random(count: 60, shDegree: 3, seed: 31)
        for degree in 0...2 {
            let limited = scene.render(camera: Self.frontCamera, options: RenderOptions(maxSHDegree: degree))
            #expect(limited == (try scene.withSHDegree(degree)).render(camera: Self.frontCamera))
        }
    }

    @Test func hugeScalesAreCulledNotCrashing() throws {
        var g = Gaussian(position: SIMD3(0, 0, 2), scale: SIMD3(repeating: 0.1), opacity: 0.9, color: SIMD3(1, 0, 0))
        g.logScale = SIMD3(repeating: 80)
        let scene = try GaussianScene(shDegree: 0, gaussians: [g])
        let image = scene.render(camera: Self.frontCamera, options: RenderOptions(background: SIMD3(0, 0, 1)))
        #expect(image == RGBImage(width: 45, height: 37, fill: SIMD3(0, 0, 1)))
    }

    @Test func reusedBuffersGiveTheSameImage() {
        let rasterizer = GaussianRasterizer()
        let big = TestScenes.random(count: 300, shDegree: 2, seed: 1)
        let small = TestScenes.random(count: 20, shDegree: 2, seed: 2)
        let fresh = GaussianRasterizer().render(small, camera: Self.frontCamera)
        var image = rasterizer.render(big, camera: Self.frontCamera)
        rasterizer.render(small, camera: Self.frontCamera, into: &image)
        #expect(image == fresh)
    }

    /// One isotropic Gaussian on the optical axis at a pixel centre: the centre pixel gets
    /// alpha = o exactly, its neighbour o·exp(−½/(σ²+0.3)) with σ = fx·s/z (the Jacobian is exact on axis).
    @Test func singleIsotropicGaussianHasTheAnalyticValue() throws {
        let (o, s, z, f): (Float, Float, Float, Float) = (0.7, 0.05, 2, 50)
        let color = SIMD3<Float>(0.9, 0.4, 0.1)
        let background = SIMD3<Float>(0.1, 0.2, 0.3)
        let scene = try GaussianScene(
            shDegree: 0, gaussians: [Gaussian(position: SIMD3(0, 0, z), scale: SIMD3(repeating: s), opacity: o, color: color)])
        let camera = try Camera(
            width: 21, height: 21, fx: f, fy: f, cx: 10.5, cy: 10.5,
            rotation: (SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1)), translation: .zero)
        let image = scene.render(camera: camera, options: RenderOptions(background: background))
        let centre = image[10, 10]
        let expectedCentre = o * color + (1 - o) * background
        #expect(maxAbsDifference(centre, expectedCentre) < 2e-6)
        let sigma2 = Double(f * s / z) * Double(f * s / z) + 0.3
        let alpha = Float(Double(o) * exp(-0.5 / sigma2))
        let expectedNeighbour = alpha * color + (1 - alpha) * background
        #expect(maxAbsDifference(image[11, 10], expectedNeighbour) < 2e-6)
        #expect(maxAbsDifference(image[10, 9], image[10, 11]) < 1e-6)
        #expect(image[0, 0] == background)
    }

    @Test func alphaIsTheCoverage() throws {
        let scene = try GaussianScene(
            shDegree: 0, gaussians: [Gaussian(position: SIMD3(0, 0, 2), scale: SIMD3(repeating: 0.05), opacity: 0.7, color: SIMD3(1, 1, 1))])
        let camera = try Camera(
            width: 21, height: 21, fx: 50, fy: 50, cx: 10.5, cy: 10.5,
            rotation: (SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1)), translation: .zero)
        let (image, alpha) = GaussianRasterizer().renderWithAlpha(scene, camera: camera)
        #expect(abs(alpha[10 * 21 + 10] - 0.7) < 1e-6)
        #expect(alpha[0] == 0)
        // With a black background and white Gaussian, colour equals coverage.
        #expect(zip(alpha, stride(from: 0, to: image.pixels.count, by: 3).map { image.pixels[$0] }).allSatisfy { abs($0 - $1) < 1e-6 })
    }
}

func maxAbsDifference(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Float {
    let d = a - b
    return max(abs(d.x), abs(d.y), abs(d.z))
}
