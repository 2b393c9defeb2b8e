import ArgumentParser
import Foundation
import Renderer

/// `gs-lab render`: renders a 3DGS PLY from a camera JSON to PNG or .npy.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render", abstract: "Render a 3DGS PLY scene from a camera JSON to a PNG or .npy image.")

    @Option(help: "Scene file (standard 3DGS PLY).") var scene: String
    @Option(help: "Camera JSON: width, height, fx, fy, cx, cy, world_to_camera (4×4 row-major, OpenCV).") var camera: String
    @Option(help: "Output image; .png or .npy (float32 H×W×3).") var out: String
    @Option(help: "Background colour r,g,b in [0,1].") var bg: String = "0,0,0"
    @Option(help: "Worker threads (the image does not depend on this).") var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func run() throws {
        let background = try LabArguments.color(bg, name: "--bg")
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        guard ["png", "npy"].contains(URL(fileURLWithPath: out).pathExtension.lowercased()) else {
            throw ValidationError("--out must end in .png or .npy")
        }
        let sceneData = try GaussianScene(contentsOfPLY: scene)
        let cameraData = try Camera(contentsOfJSON: camera)
        let rasterizer = GaussianRasterizer()
        let start = DispatchTime.now()
        let image = rasterizer.render(sceneData, camera: cameraData, options: RenderOptions(background: background, threads: threads))
        let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
        try image.write(to: out)
        let stats = rasterizer.lastFrameStatistics
        print(
            "rendered \(sceneData.count) Gaussians (SH \(sceneData.shDegree)), \(stats.visibleGaussians) visible, \(stats.tilePairs) tile pairs, \(cameraData.width)×\(cameraData.height) in \(String(format: "%.1f", milliseconds)) ms → \(out)"
        )
    }
}

/// Parsing helpers shared by the renderer's gs-lab commands.
enum LabArguments {
    /// Parses "r,g,b" with components in [0, 1].
    static func color(_ text: String, name: String) throws -> SIMD3<Float> {
        let parts = text.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 3, parts.allSatisfy({ $0 != nil && $0!.isFinite && (0...1).contains($0!) }) else {
            throw ValidationError("\(name) must be three comma-separated numbers in [0,1], got '\(text)'")
        }
        return SIMD3(parts[0]!, parts[1]!, parts[2]!)
    }
}
