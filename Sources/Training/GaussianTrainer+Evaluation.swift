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
    }

    /// The current scene's quality on `views`; `renders` (if given) receives each clamped render.
    public func evaluate(_ views: [TrainingView], renders: ((TrainingView, RGBImage) throws -> Void)? = nil) throws -> Evaluation {
        guard !views.isEmpty else { return Evaluation(psnr: .nan, ssim: .nan, l1: .nan, views: 0) }
        let rasterizer = GaussianRasterizer()
        var (psnr, ssim, l1) = (0.0, 0.0, 0.0)
        for view in views {
            let image = rasterizer.render(scene, camera: view.camera, options: renderOptions).clampedToUnitRange()
            psnr += Double(try ImageMetrics.psnr(image, view.image))
            ssim += Double(try ImageMetrics.ssim(image, view.image))
            l1 += Double(try ImageMetrics.l1(image, view.image))
            try renders?(view, image)
        }
        let n = Double(views.count)
        return Evaluation(psnr: psnr / n, ssim: ssim / n, l1: l1 / n, views: views.count)
    }
}
