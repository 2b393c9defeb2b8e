import Renderer
import SlotModel

/// The edge's view of collected samples: ℓ(image, S′ rendered at the sample's pose) — the
/// per-image loss STT-GS's prediction (eq. 17–19) and evaluation are built from.
struct RoundLosses: Sendable {
    /// The edge's current model S′.
    let model: GaussianScene
    let pool: RenderPool

    /// ℓ per sample, in order; nil for a sample whose pose is not a rotation.
    func losses(of samples: [CollectedSample]) async -> [Double?] {
        await pool.map(samples) { [model] sample, rasterizer in
            guard let size = ImageSize(width: sample.width, height: sample.height),
                  let camera = try? sample.pose.camera(intrinsics: size.intrinsics)
            else { return nil }
            let render = rasterizer.render(model, camera: camera, options: RenderOptions(threads: 1))
            return (try? ImageMetrics.gsLoss(sample.image, render)).map(Double.init)
        }
    }
}
