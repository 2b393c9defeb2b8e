import Foundation
import Renderer
import SeededRandom
import Testing
@testable import Training

@Suite struct TrainingLossTests {
    static func images(width: Int, height: Int, seed: UInt64) -> (render: [Double], target: [Double]) {
        var rng = SeededGenerator(seed: seed)
        let target = (0..<(3 * width * height)).map { _ in rng.nextUnit() }
        // A render near the target (as in training), some values outside [0, 1] (unclamped).
        let render = target.map { $0 + rng.nextGaussian() * 0.15 }
        return (render, target)
    }

    /// The loss's gradient against central differences in Double, for every pixel and channel
    /// of odd-sized images (borders of the zero-padded window included).
    @Test(arguments: [(13, 9), (17, 20), (5, 4)])
    func gradientMatchesFiniteDifferences(size: (Int, Int)) {
        let (w, h) = size
        let (render, target) = Self.images(width: w, height: h, seed: UInt64(w * 100 + h))
        var gradient: [Double] = []
        _ = TrainingLoss.evaluate(render: render, target: target, width: w, height: h, gradient: &gradient)
        var scratch: [Double] = []
        var worst = 0.0, compared = 0
        for i in render.indices {
            let step = 1e-6
            var plus = render, minus = render
            plus[i] += step
            minus[i] -= step
            let fd =
                (TrainingLoss.evaluate(render: plus, target: target, width: w, height: h, gradient: &scratch).loss
                    - TrainingLoss.evaluate(render: minus, target: target, width: w, height: h, gradient: &scratch).loss) / (2 * step)
            let error = abs(gradient[i] - fd) / max(abs(fd), 1e-12)
            worst = max(worst, error)
            compared += 1
        }
        #expect(compared == 3 * w * h)
        #expect(worst < 1e-5, "worst relative error \(worst)")
    }

    /// The SSIM part alone (λ = 1) is checked the same way, so that the L1 term cannot hide it,
    /// for both paddings (13×14 leaves a 3×4 valid region).
    @Test(arguments: TrainingLoss.SSIMPadding.allCases)
    func ssimGradientMatchesFiniteDifferences(padding: TrainingLoss.SSIMPadding) {
        let (w, h) = padding == .same ? (11, 12) : (13, 14)
        let (render, target) = Self.images(width: w, height: h, seed: 5)
        var gradient: [Double] = []
        var scratch: [Double] = []
        _ = TrainingLoss.evaluate(
            render: render, target: target, width: w, height: h, lambda: 1, padding: padding, gradient: &gradient)
        // Entries far from the valid region have gradients near 1e-7, where the difference's own
        // rounding (≈1e-10) dominates: errors are relative to the larger of |fd| and 1e-3·max|∇|.
        let floor = 1e-3 * gradient.map(abs).max()!
        var worst = 0.0
        for i in stride(from: 0, to: render.count, by: 7) {
            var plus = render, minus = render
            plus[i] += 1e-6
            minus[i] -= 1e-6
            let fd =
                (TrainingLoss.evaluate(
                    render: plus, target: target, width: w, height: h, lambda: 1, padding: padding, gradient: &scratch
                ).loss
                    - TrainingLoss.evaluate(
                        render: minus, target: target, width: w, height: h, lambda: 1, padding: padding, gradient: &scratch
                    ).loss) / 2e-6
            worst = max(worst, abs(gradient[i] - fd) / max(abs(fd), floor))
        }
        #expect(worst < 1e-5, "worst relative error \(worst)")
    }

    /// The value agrees with the renderer's own metrics (SSIM in Double there).
    @Test func valueMatchesImageMetrics() throws {
        let (w, h) = (23, 19)
        let (render, target) = Self.images(width: w, height: h, seed: 9)
        let clampedRender = render.map { Float(min(max($0, 0), 1)) }
        var gradient: [Float] = []
        let value = TrainingLoss.evaluate(render: clampedRender, target: target.map(Float.init), width: w, height: h, gradient: &gradient)
        let a = RGBImage(width: w, height: h, pixels: clampedRender), b = RGBImage(width: w, height: h, pixels: target.map(Float.init))
        #expect(abs(value.ssim - (try ImageMetrics.ssim(a, b))) < 1e-5)
        #expect(abs(value.l1 - (try ImageMetrics.l1(a, b))) < 1e-6)
        #expect(abs(value.loss - (try ImageMetrics.gsLoss(a, b))) < 1e-5)
    }

    /// `valid` SSIM equals a brute-force mean of the SSIM map over the pixels whose whole 11×11
    /// window lies inside the image, each window weighted by the normalised Gaussian (σ = 1.5).
    @Test func validPaddingMatchesBruteForceInteriorMean() {
        let (w, h) = (16, 13)
        let (render, target) = Self.images(width: w, height: h, seed: 21)
        var gradient: [Double] = []
        let value = TrainingLoss.evaluate(
            render: render, target: target, width: w, height: h, lambda: 1, padding: .valid, gradient: &gradient)
        let taps = (-5...5).map { exp(-Double($0 * $0) / (2 * 1.5 * 1.5)) }
        let norm = taps.reduce(0, +)
        var total = 0.0, count = 0
        for channel in 0..<3 {
            for cy in 5..<(h - 5) {
                for cx in 5..<(w - 5) {
                    var (mx, my, xx, yy, xy) = (0.0, 0.0, 0.0, 0.0, 0.0)
                    for dy in -5...5 {
                        for dx in -5...5 {
                            let weight = taps[dy + 5] * taps[dx + 5] / (norm * norm)
                            let i = 3 * ((cy + dy) * w + cx + dx) + channel
                            let (p, q) = (render[i], target[i])
                            mx += weight * p
                            my += weight * q
                            xx += weight * p * p
                            yy += weight * q * q
                            xy += weight * p * q
                        }
                    }
                    let (c1, c2) = (1e-4, 9e-4)
                    total +=
                        (2 * mx * my + c1) * (2 * (xy - mx * my) + c2)
                        / ((mx * mx + my * my + c1) * (xx - mx * mx + yy - my * my + c2))
                    count += 1
                }
            }
        }
        #expect(count == 3 * 6 * 3)
        #expect(abs(value.ssim - total / Double(count)) < 1e-12)
        #expect(abs(value.loss - (1 - total / Double(count))) < 1e-12)
    }
}
