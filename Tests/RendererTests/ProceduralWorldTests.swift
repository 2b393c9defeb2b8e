import Foundation
import Renderer
import SeededRandom
import Testing

@Suite struct ProceduralWorldTests {
    static let world = ProceduralWorld(seed: 7, configuration: .init(gaussianCount: 6000, shDegree: 1))
    static let intrinsics = Camera.Intrinsics(width: 64, height: 48, verticalFieldOfViewDegrees: 60)

    static func renderBoth(_ camera: Camera, time: Double = 3) -> (memory: RGBImage, reality: RGBImage) {
        let rasterizer = GaussianRasterizer()
        return (rasterizer.render(world.memoryScene, camera: camera), rasterizer.render(world.realityScene(atTime: time), camera: camera))
    }

    @Test func generationIsDeterministicAndSeedDependent() {
        let again = ProceduralWorld(seed: 7, configuration: .init(gaussianCount: 6000, shDegree: 1))
        #expect(again.memoryScene == Self.world.memoryScene)
        #expect(again.realityScene(atTime: 12.5) == Self.world.realityScene(atTime: 12.5))
        let other = ProceduralWorld(seed: 8, configuration: .init(gaussianCount: 6000, shDegree: 1))
        #expect(other.memoryScene != Self.world.memoryScene)
        #expect(Self.world.memoryScene.shDegree == 1)
        #expect(abs(Double(Self.world.memoryScene.count) / 6000 - 1) < 0.2, "\(Self.world.memoryScene.count)")
        #expect(Self.world.memoryScene.positions.allSatisfy { $0.isFinite })
    }

    @Test func unchangedViewRendersTheSameInMemoryAndReality() throws {
        let camera = try Camera.lookAt(eye: SIMD3(-3, 0, 1.5), target: SIMD3(-10, 1.5, 1.2), intrinsics: Self.intrinsics)
        let (memory, reality) = Self.renderBoth(camera)
        #expect(try ImageMetrics.psnr(memory, reality) > 60)
    }

    @Test(arguments: [
        (SIMD3<Float>(3, 1, 1.6), SIMD3<Float>(8, 5, 1.0)),  // the lamp's corner
        (SIMD3<Float>(0, -1, 1.5), SIMD3<Float>(4, -4, 0.4)),  // where a crate was removed
        (SIMD3<Float>(1, 1, 1.5), SIMD3<Float>(6, -1.5, 0.5)),  // where a cart was added
    ])
    func painPointViewsDiffer(eye: SIMD3<Float>, target: SIMD3<Float>) throws {
        let camera = try Camera.lookAt(eye: eye, target: target, intrinsics: Self.intrinsics)
        let (memory, reality) = Self.renderBoth(camera)
        #expect(try ImageMetrics.gsLoss(memory, reality) > 0.01)
    }

    @Test func movingObjectsMoveAndLightPulses() throws {
        let camera = try Camera.lookAt(eye: SIMD3(-6, -1, 1.5), target: SIMD3(-6, -6, 0.3), intrinsics: Self.intrinsics)
        let rasterizer = GaussianRasterizer()
        let early = rasterizer.render(Self.world.realityScene(atTime: 0), camera: camera)
        let later = rasterizer.render(Self.world.realityScene(atTime: 4), camera: camera)
        #expect(try ImageMetrics.l1(early, later) > 1e-3)
        #expect(ProceduralWorld.lampFactor(atTime: 0) != ProceduralWorld.lampFactor(atTime: 7.5))
    }

    @Test func virtualLayerMasksAndComposes() throws {
        let camera = try Camera.lookAt(eye: SIMD3(-3, 0, 1.4), target: SIMD3(0, 0, 1.4), intrinsics: Self.intrinsics)
        let rasterizer = GaussianRasterizer()
        let layer = Self.world.virtualLayer(camera: camera, rasterizer: rasterizer)
        let covered = layer.mask.filter { $0 == 0 }.count
        #expect(covered > 50 && covered < layer.mask.count / 2)
        #expect(layer.mask.allSatisfy { $0 == 0 || $0 == 1 })
        let real = rasterizer.render(Self.world.realityScene(atTime: 0), camera: camera)
        let mr = try MixedReality.compose(real: real, layer: layer)
        for i in layer.mask.indices {
            let expected = layer.mask[i] == 1 ? real[i % 64, i / 64] : layer.image[i % 64, i / 64]
            #expect(mr[i % 64, i / 64] == expected)
        }
        // The cube is cyan: covered pixels are strongly blue-green.
        let i = layer.mask.firstIndex(of: 0)!
        #expect(layer.image[i % 64, i / 64].y > 0.6 && layer.image[i % 64, i / 64].x < 0.4)
        #expect(throws: RendererError.self) { try MixedReality.compose(real: RGBImage(width: 2, height: 2), layer: layer) }
    }

    @Test func routesStayInTheRoomAndGiveValidCameras() throws {
        for index in 0..<4 {
            let route = Self.world.route(index: index)
            #expect(route == Self.world.route(index: index))
            for k in 0..<20 {
                let t = route.period * Double(k) / 20
                let p = route.position(atTime: t)
                #expect(abs(p.x) < 10 && abs(p.y) < 7 && p.z > 0 && p.z < 3)
                let camera = try route.camera(atTime: t, intrinsics: Self.intrinsics)
                #expect(maxAbsDifference(camera.position, p) < 1e-4)
            }
            #expect(maxAbsDifference(route.position(atTime: 0), route.position(atTime: route.period)) < 1e-3)
        }
        var rng = SeededGenerator(seed: 1)
        _ = try Self.world.randomCamera(using: &rng, intrinsics: Self.intrinsics)
        #expect(throws: RendererError.self) { try WorldRoute(waypoints: [SIMD3(0, 0, 0)]) }
    }

    @Test func ringCamerasCircleTheRoomLookingAtItsCentre() throws {
        let count = 56
        var previous: SIMD3<Float>?
        for k in 0..<count {
            let camera = try Self.world.ringCamera(index: k, of: count, intrinsics: Self.intrinsics)
            let p = camera.position
            #expect(abs(p.x) < 10 && abs(p.y) < 7 && p.z >= 1.2 - 1e-4 && p.z <= 1.8 + 1e-4)
            // The room's centre at 1 m projects to the principal point.
            let centre = SIMD3<Float>(0, 0, 1)
            let (r0, r1, r2) = camera.rotation
            let v = SIMD3((r0 * centre).sum(), (r1 * centre).sum(), (r2 * centre).sum()) + camera.translation
            #expect(v.z > 3 && abs(camera.fx * v.x / v.z) < 1e-3 * v.z && abs(camera.fy * v.y / v.z) < 1e-3 * v.z)
            // Neighbours are close: the ring's step is under a metre.
            if let previous { #expect(((p - previous) * (p - previous)).sum() < 1) }
            previous = p
        }
        #expect(throws: RendererError.self) { try Self.world.ringCamera(index: count, of: count, intrinsics: Self.intrinsics) }
    }
}
