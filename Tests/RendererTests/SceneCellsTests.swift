import Foundation
@testable import Renderer
import Testing

/// Cells may only reject Gaussians that the exact projection culls.
@Suite struct SceneCellsTests {
    @Test func rejectedCellsHoldOnlyCulledGaussians() throws {
        let world = ProceduralWorld(seed: 3, configuration: .init(gaussianCount: 12_000, shDegree: 1))
        let scene = world.memoryScene
        let cells = SceneCells(scene: scene)
        #expect(cells.matches(scene))
        let route = world.route(index: 0)
        var (rejected, checked) = (0, 0)
        for step in 0..<6 {
            let intrinsics = Camera.Intrinsics(width: [128, 45, 320][step % 3], height: [96, 37, 240][step % 3], verticalFieldOfViewDegrees: 60)
            let camera = try route.camera(atTime: route.period * Double(step) / 6, intrinsics: intrinsics)
            var frame = FrameConstants(camera: camera, options: RenderOptions(), sceneDegree: scene.shDegree)
            frame.cullsByRadiusBound = false
            var visible: [Bool] = []
            cells.visibleCells(frame: frame, into: &visible)
            scene.withUnsafeView { view in
                let view = view!
                for i in 0..<scene.count where !visible[Int(cells.cellOfGaussian[i])] {
                    rejected += 1
                    let exact = ProjectedGaussian(projecting: i, of: view, frame: frame)
                    if exact.isVisible { checked += 1 }
                }
            }
        }
        #expect(checked == 0, "\(checked) rejected Gaussians are visible")
        // The grouping does reject a substantial part of the scene.
        #expect(rejected > 6 * scene.count / 5)
    }

    @Test func renderingWithCellsMatchesTheBruteForceReference() throws {
        let world = ProceduralWorld(seed: 4, configuration: .init(gaussianCount: 6_000, shDegree: 0))
        let camera = try world.route(index: 0).camera(atTime: 7, intrinsics: Camera.Intrinsics(width: 32, height: 24, verticalFieldOfViewDegrees: 60))
        // Cells are built at a scene's second render.
        let rasterizer = GaussianRasterizer()
        let first = rasterizer.render(world.memoryScene, camera: camera)
        let image = rasterizer.render(world.memoryScene, camera: camera)
        #expect(image == first)
        let reference = ReferenceRenderer.render(world.memoryScene, camera: camera, background: .zero)
        let maxDiff = zip(image.pixels, reference).map { abs(Double($0) - $1) }.max() ?? .nan
        #expect(maxDiff <= 1e-3)
    }

    @Test func aChangedSceneGetsNewCells() throws {
        let world = ProceduralWorld(seed: 3, configuration: .init(gaussianCount: 8_000, shDegree: 0))
        let cells = SceneCells(scene: world.memoryScene)
        #expect(!cells.matches(world.realityScene(atTime: 5)))
        var copy = world.memoryScene
        #expect(cells.matches(copy))
        try copy.append(contentsOf: world.memoryScene)
        #expect(!cells.matches(copy))
    }
}
