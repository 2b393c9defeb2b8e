import Foundation
@testable import Renderer
import SeededRandom
import Testing

/// The early off-screen cull by a radius bound must reject nothing the exact test keeps.
@Suite struct ProjectionCullingTests {
    @Test(arguments: [UInt64(5), 6, 7])
    func radiusBoundCullsExactlyWhatTheExactTestCulls(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        // Gaussians all around the camera, many just outside the frustum, with scales from
        // tiny to room-sized so some off-screen means still reach into the image.
        var gaussians: [Gaussian] = []
        for _ in 0..<3000 {
            let position = SIMD3<Float>(Float(rng.nextUniform(in: -6..<6)), Float(rng.nextUniform(in: -6..<6)), Float(rng.nextUniform(in: -2..<8)))
            let logScale = SIMD3<Float>((0..<3).map { _ in Float(rng.nextUniform(in: -5..<1)) })
            let rotation = SIMD4<Float>((0..<4).map { _ in Float(rng.nextGaussian()) })
            gaussians.append(
                Gaussian(
                    position: position, logScale: logScale, rotation: rotation,
                    opacityLogit: Float(rng.nextGaussian() * 2), sh: [SIMD3(0.3, -0.2, 0.1)]))
        }
        let scene = try GaussianScene(shDegree: 0, gaussians: gaussians)
        let camera = try Camera(
            width: 67, height: 41, fx: 50, fy: 60, cx: 30, cy: 22,
            rotation: (SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1)), translation: .zero)
        let bounded = FrameConstants(camera: camera, options: RenderOptions(), sceneDegree: 0)
        var exact = bounded
        exact.cullsByRadiusBound = false
        var (culledInFront, visible, visibleFromOffScreen) = (0, 0, 0)
        scene.withUnsafeView { view in
            let view = view!
            for i in 0..<scene.count {
                let a = ProjectedGaussian(projecting: i, of: view, frame: bounded)
                let b = ProjectedGaussian(projecting: i, of: view, frame: exact)
                #expect(Self.fields(a) == Self.fields(b), "Gaussian \(i)")
                if scene.positions[3 * i + 2] > 0.2, !b.isVisible { culledInFront += 1 }
                if b.isVisible { visible += 1 }
                if b.isVisible, b.meanX < 0 || b.meanX > 67 || b.meanY < 0 || b.meanY > 41 { visibleFromOffScreen += 1 }
            }
        }
        // Both sides of the boundary are exercised.
        #expect(culledInFront > 100 && visible > 100 && visibleFromOffScreen > 10, "\(culledInFront) \(visible) \(visibleFromOffScreen)")
    }

    static func fields(_ g: ProjectedGaussian) -> [Float] {
        [
            g.meanX, g.meanY, g.conicA, g.conicB, g.conicC, g.opacity, g.color.x, g.color.y, g.color.z, g.depth, g.reach, g.rowExtent,
            Float(g.tileMinX), Float(g.tileMinY), Float(g.tileMaxX), Float(g.tileMaxY),
        ]
    }
}
