import Foundation
import Renderer

extension GaussianTrainer {
    /// Image quality on held-out views, averaged over views (renders clamped to [0, 1], as the
    /// reference's metrics script reads its saved images). LPIPS is not computed: it needs
    /// network weights that no package available here ships.
    public struct Evaluation: Sendable, Equatable {
        /// Mean PSNR in dB.
        public var psnr: Double
        /// Mean SSIM (the reference's Gaussian-window SSIM).
        public var ssim: Double
        /// Mean L1.
        public var l1: Double
        /// Views evaluated.
        public var views: Int
        /// PSNR of the squared error pooled over every pixel of every view (∞ when the renders
        /// are exact). Where some views are rendered perfectly (a fine-tuned model's unchanged
        /// regions: 50–∞ dB each), the mean of per-view dB is decided by those views or is not
        /// finite at all; the pooled figure is decided by the views that are wrong.
        public var pooledPSNR: Double
    }

    /// The current scene's quality on `views`; `renders` (if given) receives each clamped render.
    public func evaluate(_ views: [TrainingView], renders: ((TrainingView, RGBImage) throws -> Void)? = nil) throws -> Evaluation {
        guard !views.isEmpty else { return Evaluation(psnr: .nan, ssim: .nan, l1: .nan, views: 0, pooledPSNR: .nan) }
        let rasterizer = GaussianRasterizer()
        var (psnr, ssim, l1) = (0.0, 0.0, 0.0)
        var (squared, values) = (0.0, 0)
        for view in views {
            let image = rasterizer.render(scene, camera: view.camera, options: renderOptions).clampedToUnitRange()
            psnr += Double(try ImageMetrics.psnr(image, view.image))
            ssim += Double(try ImageMetrics.ssim(image, view.image))
            l1 += Double(try ImageMetrics.l1(image, view.image))
            for (a, b) in zip(image.pixels, view.image.pixels) { squared += Double(a - b) * Double(a - b) }
            values += image.pixels.count
            try renders?(view, image)
        }
        let n = Double(views.count)
        let pooled = squared == 0 ? Double.infinity : 10 * log10(Double(values) / squared)
        return Evaluation(psnr: psnr / n, ssim: ssim / n, l1: l1 / n, views: views.count, pooledPSNR: pooled)
    }
}
