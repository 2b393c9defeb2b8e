import Foundation
import Renderer
import Testing

@Suite struct SceneCompressorTests {
    @Test func sizesFollowTableOne() {
        #expect(SceneCompressor.bytesPerGaussian(shDegree: 0, halfPrecision: false) == 56)
        #expect(SceneCompressor.bytesPerGaussian(shDegree: 0, halfPrecision: true) == 28)
        #expect(SceneCompressor.bytesPerGaussian(shDegree: 3, halfPrecision: false) == 59 * 4)
    }

    @Test func keepsTheMostImportantGaussiansInOrder() throws {
        let scene = TestScenes.random(count: 50, shDegree: 3, seed: 21)
        let small = try SceneCompressor.compress(scene, target: .count(10))
        // Independent ranking: opacity × product of the two largest scales.
        let score = (0..<50).map { i -> Double in
            let g = scene[i]
            let s = [g.logScale.x, g.logScale.y, g.logScale.z].map { exp(Double($0)) }.sorted()
            return s[1] * s[2] / (1 + exp(-Double(g.opacityLogit)))
        }
        let expected = (0..<50).sorted { score[$0] > score[$1] }.prefix(10).sorted()
        #expect(small.scene.count == 10 && small.scene.shDegree == 0)
        for (k, i) in expected.enumerated() {
            #expect(small.scene[k].position == scene[i].position)
            #expect(small.scene[k].sh == [scene[i].sh[0]])
        }
        #expect(small.bytes == 560)
    }

    @Test func byteAndFractionTargetsAndHalfPrecision() throws {
        let scene = TestScenes.random(count: 40, shDegree: 1, seed: 22)
        #expect(try SceneCompressor.compress(scene, target: .bytes(300)).scene.count == 5)
        #expect(try SceneCompressor.compress(scene, target: .bytes(300), halfPrecision: true).scene.count == 10)
        #expect(try SceneCompressor.compress(scene, target: .fraction(0.25)).scene.count == 10)
        let half = try SceneCompressor.compress(scene, target: .fraction(1), halfPrecision: true)
        #expect(half.scene.positions.allSatisfy { Float(Float16($0)) == $0 })
        #expect(half.scene.positions != (try scene.withSHDegree(0)).positions)
        #expect(throws: RendererError.self) { try SceneCompressor.compress(scene, target: .count(0)) }
        #expect(throws: RendererError.self) { try SceneCompressor.compress(scene, target: .bytes(10)) }
        #expect(throws: RendererError.self) { try SceneCompressor.compress(scene, target: .fraction(1.5)) }
    }

    @Test func areaCompensationGrowsTheTwoLargestAxes() throws {
        let scene = TestScenes.random(count: 40, shDegree: 0, seed: 23)
        let plain = try SceneCompressor.compress(scene, target: .count(10))
        let grown = try SceneCompressor.compress(scene, target: .count(10), compensatesArea: true)
        let delta = 0.5 * log(Float(40) / 10)
        for i in 0..<10 {
            let a = plain.scene[i].logScale, b = grown.scene[i].logScale
            let order = [0, 1, 2].sorted { a[$0] > a[$1] }
            #expect(abs(b[order[0]] - a[order[0]] - delta) < 1e-5)
            #expect(abs(b[order[1]] - a[order[1]] - delta) < 1e-5)
            #expect(b[order[2]] == a[order[2]])
        }
    }

    @Test func reportComparesRenders() throws {
        let world = ProceduralWorld(seed: 3, configuration: .init(gaussianCount: 4000, shDegree: 0))
        let intrinsics = Camera.Intrinsics(width: 48, height: 36, verticalFieldOfViewDegrees: 60)
        let cameras = try (0..<3).map { try world.route(index: 0).camera(atTime: Double($0) * 7, intrinsics: intrinsics) }
        let all = try SceneCompressor.compress(world.memoryScene, target: .fraction(1))
        let same = try CompressionReport.evaluate(large: world.memoryScene, small: all, cameras: cameras)
        #expect(same.meanPSNR == 100 && same.meanLoss < 1e-6)
        let mild = try CompressionReport.evaluate(
            large: world.memoryScene, small: try SceneCompressor.compress(world.memoryScene, target: .fraction(0.7)), cameras: cameras)
        let harsh = try CompressionReport.evaluate(
            large: world.memoryScene, small: try SceneCompressor.compress(world.memoryScene, target: .fraction(0.1)), cameras: cameras)
        #expect(harsh.meanLoss > mild.meanLoss && harsh.meanPSNR < mild.meanPSNR)
        #expect(harsh.smallBytes < mild.smallBytes && mild.largeBytes == world.memoryScene.count * 56)
        let orbit = try CompressionReport.orbitCameras(for: world.memoryScene, count: 4, up: SIMD3(0, 0, 1), intrinsics: intrinsics)
        #expect(orbit.count == 4)
    }
}
