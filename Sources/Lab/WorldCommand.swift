import ArgumentParser
import Foundation
import Renderer

/// `gs-lab world`: writes the procedural world (memory or reality at a time) as a 3DGS PLY,
/// optionally with a preview image and its camera.
struct WorldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "world", abstract: "Generate the seeded procedural world as a 3DGS PLY (memory, or reality at a time).")

    @Option(help: "World seed.") var seed: UInt64 = 1
    @Option(help: "Output PLY.") var out: String
    @Option(help: "Approximate Gaussian count of the memory scene.") var gaussians: Int = 200_000
    @Option(help: "SH degree 0…3.") var shDegree: Int = 3
    @Option(help: "Write reality at this time (seconds) instead of the memory.") var realityTime: Double?
    @Option(help: "Also render a preview (.png/.npy) from an overview camera.") var preview: String?
    @Option(help: "Write the preview camera JSON here.") var cameraOut: String?
    @Flag(help: "Composite the virtual layer onto the preview (MR frame).") var mixedReality = false

    func run() throws {
        guard (0...3).contains(shDegree) else { throw ValidationError("--sh-degree must be 0…3") }
        guard gaussians >= 1000 else { throw ValidationError("--gaussians must be at least 1000") }
        let start = DispatchTime.now()
        let world = ProceduralWorld(seed: seed, configuration: .init(gaussianCount: gaussians, shDegree: shDegree))
        let scene = realityTime.map { world.realityScene(atTime: $0) } ?? world.memoryScene
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        try scene.writePLY(to: out)
        print("world seed \(seed): \(scene.count) Gaussians (SH \(scene.shDegree)) generated in \(String(format: "%.2f", seconds)) s → \(out)")
        let camera = try Camera.lookAt(
            eye: SIMD3(-9, -6.5, 4.2), target: SIMD3(1, 1, 0.4),
            intrinsics: .init(width: 960, height: 540, verticalFieldOfViewDegrees: 60))
        if let cameraOut { try camera.jsonData().write(to: URL(fileURLWithPath: cameraOut)) }
        if let preview {
            let rasterizer = GaussianRasterizer()
            var image = rasterizer.render(scene, camera: camera, options: RenderOptions(background: SIMD3(0.05, 0.05, 0.08)))
            if mixedReality { image = try MixedReality.compose(real: image, layer: world.virtualLayer(camera: camera, rasterizer: rasterizer)) }
            try image.write(to: preview)
            print("preview → \(preview)")
        }
    }
}
