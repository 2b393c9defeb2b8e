import Dispatch
import Renderer

/// The 3DGS training loss (Kerbl et al. 2023, §7): ℒ = (1 − λ)·L1 + λ·(1 − SSIM), λ = 0.2, on the
/// unclamped render, with its exact gradient with respect to every rendered value.
///
/// SSIM follows the reference trainers (Wang et al. 2004 with an 11×11 Gaussian window, σ = 1.5,
/// C1 = 0.01², C2 = 0.03²), averaged over every channel and, by ``SSIMPadding``, over every pixel
/// with the image zero-padded (INRIA 3DGS) or over the pixels whose whole window lies inside the
/// image (gsplat's `fused_ssim(…, padding="valid")`). Its gradient goes through the window convolutions: with the per-pixel partials of
/// the SSIM map with respect to μ_x, σ_x² and σ_xy, and w the (symmetric, self-adjoint) window,
///   ∂S/∂x = w ∗ (∂μ − 2·μ_x·∂σ² − μ_y·∂σ_xy) + 2·x·(w ∗ ∂σ²) + y·(w ∗ ∂σ_xy).
/// Generic so that tests can evaluate it in Double; the trainer runs it in Float.
public enum TrainingLoss {
    /// The reference's SSIM weight.
    public static let defaultLambda = 0.2
    /// The SSIM window's radius (an 11×11 window).
    static let windowRadius = 5

    /// Which pixels SSIM averages over.
    public enum SSIMPadding: String, Sendable, CaseIterable {
        /// Every pixel, the image zero-padded (the INRIA trainer's `ssim`).
        case same
        /// Only pixels at least the window's radius from every border (gsplat's `fused_ssim`
        /// with `padding="valid"`); images smaller than the window fall back to `same`.
        case valid
    }

    /// The loss's parts for one image.
    public struct Value<Scalar: BinaryFloatingPoint>: Sendable where Scalar: Sendable {
        /// (1 − λ)·L1 + λ·(1 − SSIM).
        public var loss: Scalar
        /// Mean absolute error.
        public var l1: Scalar
        /// Mean SSIM.
        public var ssim: Scalar
    }

    /// The loss of `render` against `target` (RGB interleaved, `width`×`height`), and its
    /// gradient with respect to `render` written into `gradient` (resized as needed).
    public static func evaluate<Scalar: BinaryFloatingPoint>(
        render: [Scalar], target: [Scalar], width: Int, height: Int, lambda: Scalar = Scalar(defaultLambda),
        padding: SSIMPadding = .same, threads: Int = 1, gradient: inout [Scalar]
    ) -> Value<Scalar> {
        precondition(render.count == 3 * width * height && target.count == render.count, "image sizes differ")
        let count = render.count
        if gradient.count != count { gradient = [Scalar](repeating: 0, count: count) }
        var absolute: Scalar = 0
        let l1Scale = (1 - lambda) / Scalar(count)
        for i in 0..<count {
            let d = render[i] - target[i]
            absolute += abs(d)
            gradient[i] = d > 0 ? l1Scale : (d < 0 ? -l1Scale : 0)
        }
        let region = SSIMRegion(width: width, height: height, padding: padding)
        let ssimScale = -lambda / Scalar(3 * region.count)
        // Channels are independent and write disjoint entries of the gradient: run them in
        // parallel, then add their sums in channel order (the same result for any `threads`).
        var sums = [Scalar](repeating: 0, count: 3)
        gradient.withUnsafeMutableBufferPointer { output in
            sums.withUnsafeMutableBufferPointer { channelSums in
                let shared = SharedOutput(gradient: output.baseAddress!, sums: channelSums.baseAddress!)
                let work: @Sendable (Int) -> Void = { channel in
                    shared.sums[channel] = ssimChannel(
                        render: render, target: target, channel: channel, width: width, height: height, region: region,
                        scale: ssimScale, gradient: shared.gradient)
                }
                if threads > 1 { DispatchQueue.concurrentPerform(iterations: 3, execute: work) } else { (0..<3).forEach(work) }
            }
        }
        let ssimSum = sums[0] + sums[1] + sums[2]
        let l1 = absolute / Scalar(count)
        let ssim = ssimSum / Scalar(3 * region.count)
        return Value(loss: (1 - lambda) * l1 + lambda * (1 - ssim), l1: l1, ssim: ssim)
    }

    /// Σ of one channel's SSIM map over `region`; adds `scale`·∂(that sum)/∂render into `gradient`.
    static func ssimChannel<Scalar: BinaryFloatingPoint>(
        render: [Scalar], target: [Scalar], channel: Int, width: Int, height: Int, region: SSIMRegion, scale: Scalar,
        gradient: UnsafeMutablePointer<Scalar>
    ) -> Scalar {
        let n = width * height
        let filter = SeparableGaussianFilter<Scalar>(radius: windowRadius, sigma: 1.5)
        // Planes: x, y, then x², y², xy (reused for the partials), the five filtered moments,
        // the three filtered partials, and the filter's scratch.
        let planes = UnsafeMutablePointer<Scalar>.allocate(capacity: 14 * n)
        defer { planes.deallocate() }
        let (x, y, xx, yy, xy) = (planes, planes + n, planes + 2 * n, planes + 3 * n, planes + 4 * n)
        let (muX, muY, sXX, sYY, sXY) = (planes + 5 * n, planes + 6 * n, planes + 7 * n, planes + 8 * n, planes + 9 * n)
        let (a, b, c, scratch) = (planes + 10 * n, planes + 11 * n, planes + 12 * n, planes + 13 * n)
        for i in 0..<n {
            let (p, q) = (render[3 * i + channel], target[3 * i + channel])
            (x[i], y[i], xx[i], yy[i], xy[i]) = (p, q, p * p, q * q, p * q)
        }
        for (input, output) in [(x, muX), (y, muY), (xx, sXX), (yy, sYY), (xy, sXY)] {
            filter.apply(input, into: output, scratch: scratch, width: width, height: height)
        }
        let c1: Scalar = 0.01 * 0.01, c2: Scalar = 0.03 * 0.03
        var total: Scalar = 0
        // Reuse the moment inputs for the partials: xx ← ∂μ-term, yy ← ∂σ², xy ← ∂σ_xy.
        for i in 0..<n {
            // Outside the averaged region the map contributes nothing, so its partials are 0.
            guard region.contains(x: i % width, y: i / width) else {
                (xx[i], yy[i], xy[i]) = (0, 0, 0)
                continue
            }
            let (mx, my) = (muX[i], muY[i])
            let varX = sXX[i] - mx * mx, varY = sYY[i] - my * my, cov = sXY[i] - mx * my
            let n1 = 2 * mx * my + c1, n2 = 2 * cov + c2
            let d1 = mx * mx + my * my + c1, d2 = varX + varY + c2
            let value = n1 * n2 / (d1 * d2)
            total += value
            let dMu = 2 * my * n2 / (d1 * d2) - value * 2 * mx / d1
            let dVar = -value / d2
            let dCov = 2 * n1 / (d1 * d2)
            xx[i] = dMu - 2 * mx * dVar - my * dCov
            yy[i] = dVar
            xy[i] = dCov
        }
        for (input, output) in [(xx, a), (yy, b), (xy, c)] {
            filter.apply(input, into: output, scratch: scratch, width: width, height: height)
        }
        for i in 0..<n {
            gradient[3 * i + channel] += scale * (a[i] + 2 * x[i] * b[i] + y[i] * c[i])
        }
        return total
    }
}

/// The pixels SSIM is averaged over: all, or those whose window lies inside the image.
struct SSIMRegion: Sendable {
    let xRange: Range<Int>, yRange: Range<Int>

    init(width: Int, height: Int, padding: TrainingLoss.SSIMPadding) {
        let r = TrainingLoss.windowRadius
        if padding == .valid, width > 2 * r, height > 2 * r {
            (xRange, yRange) = (r..<(width - r), r..<(height - r))
        } else {
            (xRange, yRange) = (0..<width, 0..<height)
        }
    }

    /// Pixels in the region.
    var count: Int { xRange.count * yRange.count }

    func contains(x: Int, y: Int) -> Bool { xRange.contains(x) && yRange.contains(y) }
}

/// The loss's outputs, shared with the per-channel workers (each writes its own channel).
private struct SharedOutput<Scalar>: @unchecked Sendable {
    let gradient: UnsafeMutablePointer<Scalar>
    let sums: UnsafeMutablePointer<Scalar>
}
