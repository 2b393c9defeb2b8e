import Renderer
import SlotModel

/// The edge's view of collected samples: ℓ(image, S′ rendered at the sample's pose) — the
/// per-image loss STT-GS's prediction (eq. 17–19) and evaluation are built from.
struct RoundLosses: Sendable {
    /// The render workers and the edge's current model S′ (their world's large model).
    let renderer: SlotRenderer

    /// ℓ per sample, in order; nil for a sample whose pose is not a rotation.
    func losses(of samples: [CollectedSample]) async -> [Double?] {
        await renderer.map(samples) { sample, rasterizer, world in
            guard let size = ImageSize(width: sample.width, height: sample.height),
                let camera = try? sample.pose.camera(intrinsics: size.intrinsics)
            else { return nil }
            let render = rasterizer.render(world.large, camera: camera, options: RenderOptions(threads: 1))
            return (try? ImageMetrics.gsLoss(sample.image, render)).map(Double.init)
        }
    }
}
