import Dispatch
import Foundation

/// Image-quality measures of SPEC §0 on RGB images in [0, 1].
public enum ImageMetrics {
    /// Weight of the SSIM term in the GS loss.
    public static let gsLossLambda: Float = 0.2

    /// Mean absolute difference over pixels and channels.
    public static func l1(_ a: RGBImage, _ b: RGBImage) throws -> Float {
        try checkSameSize(a, b)
        var sum = 0.0
        for i in a.pixels.indices { sum += Double(abs(a.pixels[i] - b.pixels[i])) }
        return Float(sum / Double(a.pixels.count))
    }

    /// Mean squared difference over pixels and channels.
    public static func mse(_ a: RGBImage, _ b: RGBImage) throws -> Float {
        try checkSameSize(a, b)
        var sum = 0.0
        for i in a.pixels.indices {
            let d = Double(a.pixels[i] - b.pixels[i])
            sum += d * d
        }
        return Float(sum / Double(a.pixels.count))
    }

    /// 10·log10(1/MSE) in dB; `+infinity` for identical images.
    public static func psnr(_ a: RGBImage, _ b: RGBImage) throws -> Float {
        let error = try mse(a, b)
        return error == 0 ? .infinity : 10 * log10(1 / error)
    }

    /// SSIM with the 3DGS reference's convention: per channel (in Double), an 11×11 Gaussian window with
    /// σ = 1.5, zero padding to the same size, C1 = 0.01², C2 = 0.03², averaged over every pixel
    /// and channel (border pixels included, unlike scikit-image's cropped mean).
    public static func ssim(_ a: RGBImage, _ b: RGBImage) throws -> Float {
        try checkSameSize(a, b)
        // Channels are independent: filter them in parallel, then add in channel order so the
        // result does not depend on scheduling.
        var channelSums = [Double](repeating: 0, count: 3)
        channelSums.withUnsafeMutableBufferPointer { sums in
            let out = UnsafeSendablePointer(sums.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: 3) { channel in
                out.pointer[channel] = ssimSum(a, b, channel: channel)
            }
        }
        return Float((channelSums[0] + channelSums[1] + channelSums[2]) / Double(3 * a.width * a.height))
    }

    /// Σ over pixels of the SSIM map of one channel.
    private static func ssimSum(_ a: RGBImage, _ b: RGBImage, channel: Int) -> Double {
        let (w, h) = (a.width, a.height)
        let filter = SeparableGaussianFilter<Double>(radius: 5, sigma: 1.5)
        var x = [Double](repeating: 0, count: w * h), y = x
        for i in 0..<(w * h) {
            x[i] = Double(a.pixels[3 * i + channel])
            y[i] = Double(b.pixels[3 * i + channel])
        }
        let muX = filter.apply(x, width: w, height: h)
        let muY = filter.apply(y, width: w, height: h)
        let xx = filter.apply(zip(x, x).map(*), width: w, height: h)
        let yy = filter.apply(zip(y, y).map(*), width: w, height: h)
        let xy = filter.apply(zip(x, y).map(*), width: w, height: h)
        let c1 = 0.01 * 0.01, c2 = 0.03 * 0.03
        var total = 0.0
        for i in 0..<(w * h) {
            let varX = xx[i] - muX[i] * muX[i]
            let varY = yy[i] - muY[i] * muY[i]
            let cov = xy[i] - muX[i] * muY[i]
            let numerator = (2 * muX[i] * muY[i] + c1) * (2 * cov + c2)
            let denominator = (muX[i] * muX[i] + muY[i] * muY[i] + c1) * (varX + varY + c2)
            total += numerator / denominator
        }
        return total
    }

    /// The GS loss ℓ = (1−λ)·L1 + λ·(1 − SSIM), λ = 0.2.
    public static func gsLoss(_ a: RGBImage, _ b: RGBImage, lambda: Float = gsLossLambda) throws -> Float {
        (1 - lambda) * (try l1(a, b)) + lambda * (1 - (try ssim(a, b)))
    }

    private static func checkSameSize(_ a: RGBImage, _ b: RGBImage) throws {
        guard a.width == b.width, a.height == b.height else {
            throw RendererError(.invalidImage, "image sizes differ: \(a.width)×\(a.height) vs \(b.width)×\(b.height)")
        }
    }
}

/// A normalised 1D Gaussian kernel applied along rows then columns with zero padding — equal to
/// the 2D convolution with the outer-product window, at 2·(2r+1) instead of (2r+1)² taps. The
/// window is symmetric, so with zero padding the filter is its own adjoint (the SSIM gradient of
/// the trainer runs its inputs through it again).
public struct SeparableGaussianFilter<Scalar: BinaryFloatingPoint> {
    /// Taps on each side of the centre.
    public let radius: Int
    /// The 2r+1 normalised weights.
    public let weights: [Scalar]

    /// The kernel exp(−k²/2σ²) for k in −radius…radius, normalised to sum 1.
    public init(radius: Int, sigma: Double) {
        let raw = (-radius...radius).map { exp(-Double($0 * $0) / (2 * sigma * sigma)) }
        let sum = raw.reduce(0, +)
        self.radius = radius
        self.weights = raw.map { Scalar($0 / sum) }
    }

    /// The filtered `width`×`height` plane (row-major).
    @inlinable
    public func apply(_ input: [Scalar], width: Int, height: Int) -> [Scalar] {
        var horizontal = [Scalar](repeating: 0, count: input.count)
        var output = [Scalar](repeating: 0, count: input.count)
        input.withUnsafeBufferPointer { source in
            horizontal.withUnsafeMutableBufferPointer { middle in
                output.withUnsafeMutableBufferPointer { target in
                    apply(source.baseAddress!, into: target.baseAddress!, scratch: middle.baseAddress!, width: width, height: height)
                }
            }
        }
        return output
    }

    /// Filters the plane at `input` into `output` using `scratch` (both `width·height`, neither
    /// overlapping `input`), allocating nothing — for loops that filter every frame.
    @inlinable
    public func apply(
        _ input: UnsafePointer<Scalar>, into output: UnsafeMutablePointer<Scalar>, scratch: UnsafeMutablePointer<Scalar>,
        width: Int, height: Int
    ) {
        let radius = radius
        scratch.update(repeating: 0, count: width * height)
        output.update(repeating: 0, count: width * height)
        weights.withUnsafeBufferPointer { w in
            // Horizontal pass tap by tap, so each inner loop runs along contiguous memory and
            // vectorises; zero padding is the shortened range of each tap.
            for row in 0..<height {
                let line = input + row * width
                let out = scratch + row * width
                for k in max(-radius, 1 - width)...min(radius, width - 1) {
                    let weight = w[k + radius]
                    for x in max(0, -k)..<min(width, width - k) { out[x] += weight * line[x + k] }
                }
            }
            // Vertical pass row by row, so the inner loop runs along contiguous memory.
            for row in 0..<height {
                let out = output + row * width
                for k in max(-radius, -row)...min(radius, height - 1 - row) {
                    let weight = w[k + radius]
                    let line = scratch + (row + k) * width
                    for x in 0..<width { out[x] += weight * line[x] }
                }
            }
        }
    }
}
