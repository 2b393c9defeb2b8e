import ArgumentParser
import Foundation
import Renderer
import Training

/// `gs-lab grad`: the training loss's gradient for one view, as a PLY in the scene's own layout,
/// so that any tool can check the reverse pass.
struct GradCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grad",
        abstract: "Write the gradient of the loss of one view w.r.t. every scene parameter as a PLY.",
        discussion: """
            Properties keep the scene's names: x, y, z = ∂/∂mean; f_dc_*, f_rest_* = ∂/∂SH; opacity = ∂/∂logit; \
            scale_* = ∂/∂log-scale; rot_* = ∂/∂raw quaternion. Black background, the scene's SH degree, loss \
            averaged over pixels and channels: gs = 0.8·L1 + 0.2·(1 − SSIM), l1 = L1.
            """)

    @Option(help: "Scene (3DGS PLY).") var scene: String
    @Option(help: "Camera JSON (as gs-lab render reads).") var camera: String
    @Option(help: "Target image, .png or .npy (float32 H×W×3).") var target: String
    @Option(help: "Output PLY of gradients.") var out: String
    @Option(help: "Loss: gs or l1.") var loss: String = "gs"
    @Option(help: "Worker threads (the gradient does not depend on this).") var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func run() throws {
        guard ["gs", "l1"].contains(loss) else { throw ValidationError("--loss must be gs or l1") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        let sceneData = try GaussianScene(contentsOfPLY: scene)
        let cameraData = try Camera(contentsOfJSON: camera)
        let targetImage = try RGBImage(contentsOf: target)
        guard targetImage.width == cameraData.width, targetImage.height == cameraData.height else {
            throw ValidationError("target is \(targetImage.width)×\(targetImage.height), camera \(cameraData.width)×\(cameraData.height)")
        }
        let rasterizer = DifferentiableRasterizer()
        let render = rasterizer.forward(sceneData, camera: cameraData, options: RenderOptions(threads: threads))
        var pixelGradient: [Float] = []
        let value = TrainingLoss.evaluate(
            render: render.pixels, target: targetImage.pixels, width: render.width, height: render.height,
            lambda: loss == "gs" ? 0.2 : 0, gradient: &pixelGradient)
        var gradient = SceneGradient(zeroFor: sceneData)
        rasterizer.backward(sceneData, pixelGradient: pixelGradient, into: &gradient)
        let output = try GaussianScene(
            shDegree: sceneData.shDegree, positions: gradient.positions, logScales: gradient.logScales,
            rotations: gradient.rotations, opacityLogits: gradient.opacityLogits, sh: gradient.sh)
        try output.writePLY(to: out)
        print(
            String(
                format: "loss (%@) %.6f (L1 %.6f, SSIM %.6f); %d Gaussians, %d visible → %@", loss, value.loss, value.l1, value.ssim,
                sceneData.count, rasterizer.lastFrameStatistics.visibleGaussians, out))
    }
}
