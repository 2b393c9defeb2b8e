import Foundation
import Renderer
import SeededRandom
import Testing

@Suite struct ImageMetricsTests {
    static func randomImage(width: Int, height: Int, seed: UInt64) -> RGBImage {
        var rng = SeededGenerator(seed: seed)
        return RGBImage(width: width, height: height, pixels: (0..<(width * height * 3)).map { _ in Float(rng.nextUnit()) })
    }

    /// Per-pixel SSIM map by direct 2D convolution with the 11×11 window, zero padding, in Double.
    static func bruteForceSSIMMap(_ a: RGBImage, _ b: RGBImage) -> [Double] {
        let g = (-5...5).map { exp(-Double($0 * $0) / (2 * 1.5 * 1.5)) }
        let norm = g.reduce(0, +)
        var map: [Double] = []
        for c in 0..<3 {
            for y in 0..<a.height {
                for x in 0..<a.width {
                    var mx = 0.0, my = 0.0, xx = 0.0, yy = 0.0, xy = 0.0
                    for dy in -5...5 {
                        for dx in -5...5 {
                            let (u, v) = (x + dx, y + dy)
                            guard u >= 0, v >= 0, u < a.width, v < a.height else { continue }
                            let w = g[dx + 5] * g[dy + 5] / (norm * norm)
                            let p = Double(a[u, v][c]), q = Double(b[u, v][c])
                            mx += w * p; my += w * q; xx += w * p * p; yy += w * q * q; xy += w * p * q
                        }
                    }
                    let (c1, c2) = (1e-4, 9e-4)
                    map.append((2 * mx * my + c1) * (2 * (xy - mx * my) + c2) / ((mx * mx + my * my + c1) * (xx - mx * mx + yy - my * my + c2)))
                }
            }
        }
        return map
    }

    @Test func identicalImages() throws {
        let a = Self.randomImage(width: 17, height: 12, seed: 1)
        #expect(abs(try ImageMetrics.ssim(a, a) - 1) < 1e-6)
        #expect(try ImageMetrics.l1(a, a) == 0)
        #expect(try ImageMetrics.psnr(a, a) == .infinity)
        #expect(abs(try ImageMetrics.gsLoss(a, a)) < 1e-6)
    }

    @Test func handComputedL1PSNRAndLoss() throws {
        let a = RGBImage(width: 2, height: 1, pixels: [0, 0, 0, 1, 1, 1])
        let b = RGBImage(width: 2, height: 1, pixels: [0.5, 0, 0, 1, 1, 0.75])
        #expect(abs(try ImageMetrics.l1(a, b) - 0.75 / 6) < 1e-7)
        // MSE = (0.25 + 0.0625)/6; PSNR = 10·log10(6/0.3125).
        #expect(abs(try ImageMetrics.psnr(a, b) - Float(10 * log10(6 / 0.3125))) < 1e-4)
        let expectedLoss = 0.8 * (try ImageMetrics.l1(a, b)) + 0.2 * (1 - (try ImageMetrics.ssim(a, b)))
        #expect(abs(try ImageMetrics.gsLoss(a, b) - expectedLoss) < 1e-7)
    }

    /// A 1×1 image only sees the window's centre weight w = g₀²: μ = w·v, E[v²] = w·v².
    @Test func oneByOneSSIMIsTheClosedForm() throws {
        let g = (-5...5).map { exp(-Double($0 * $0) / 4.5) }
        let w = pow(1 / g.reduce(0, +), 2)
        let (p, q) = (0.8, 0.3)
        let (mx, my) = (w * p, w * q)
        let (vx, vy, cxy) = (w * p * p - mx * mx, w * q * q - my * my, w * p * q - mx * my)
        let expected = (2 * mx * my + 1e-4) * (2 * cxy + 9e-4) / ((mx * mx + my * my + 1e-4) * (vx + vy + 9e-4))
        let a = RGBImage(width: 1, height: 1, fill: SIMD3(repeating: Float(p)))
        let b = RGBImage(width: 1, height: 1, fill: SIMD3(repeating: Float(q)))
        #expect(abs(Double(try ImageMetrics.ssim(a, b)) - expected) < 1e-6)
    }

    @Test func ssimMatchesDirect2DConvolutionAndIsSymmetric() throws {
        let a = Self.randomImage(width: 19, height: 14, seed: 2)
        var b = a
        var rng = SeededGenerator(seed: 3)
        for i in b.pixels.indices { b.pixels[i] = min(1, max(0, b.pixels[i] + Float(rng.nextGaussian() * 0.1))) }
        let map = Self.bruteForceSSIMMap(a, b)
        let full = map.reduce(0, +) / Double(map.count)
        let ours = Double(try ImageMetrics.ssim(a, b))
        #expect(abs(ours - full) < 1e-5)
        #expect(try ImageMetrics.ssim(a, b) == (try ImageMetrics.ssim(b, a)))
        #expect(try ImageMetrics.l1(a, b) == (try ImageMetrics.l1(b, a)))
        // The 3DGS convention averages border pixels too; scikit-image's variant crops 5 on each side.
        var cropped: [Double] = []
        for c in 0..<3 { for y in 5..<(a.height - 5) { for x in 5..<(a.width - 5) { cropped.append(map[(c * a.height + y) * a.width + x]) } } }
        let croppedMean = cropped.reduce(0, +) / Double(cropped.count)
        #expect(abs(ours - croppedMean) > 1e-3)
    }

    @Test func constantImagesUseZeroPaddingAtBorders() throws {
        // Deep inside, constant c vs d gives (2cd + C1)/(c² + d² + C1); at borders zero padding
        // scales the means down, so the whole-image SSIM differs from the interior value.
        let a = RGBImage(width: 31, height: 31, fill: SIMD3(repeating: 0.6))
        let b = RGBImage(width: 31, height: 31, fill: SIMD3(repeating: 0.3))
        let map = Self.bruteForceSSIMMap(a, b)
        let interior = (2 * 0.6 * 0.3 + 1e-4) / (0.36 + 0.09 + 1e-4)
        #expect(abs(map[15 * 31 + 15] - interior) < 1e-6)
        #expect(abs(Double(try ImageMetrics.ssim(a, b)) - map.reduce(0, +) / Double(map.count)) < 1e-5)
    }

    @Test func sizeMismatchIsAnError() {
        let a = RGBImage(width: 2, height: 2), b = RGBImage(width: 2, height: 3)
        #expect(throws: RendererError.self) { try ImageMetrics.ssim(a, b) }
        #expect(throws: RendererError.self) { try ImageMetrics.gsLoss(a, b) }
    }

    @Test func hsvOfKnownColours() {
        let image = RGBImage(width: 6, height: 1, pixels: [1, 0, 0, 0, 1, 0, 0, 0, 1, 0.5, 0.5, 0.5, 1, 0.5, 0, 1, 0, 0.5])
        let hsv = image.hsv()
        let expected: [Float] = [0, 1, 1, 1.0 / 3, 1, 1, 2.0 / 3, 1, 1, 0, 0, 0.5, 1.0 / 12, 1, 1, 11.0 / 12, 1, 1]
        #expect(zip(hsv, expected).allSatisfy { abs($0 - $1) < 1e-6 }, "\(hsv)")
    }

    @Test func downsampleAveragesBlocks() throws {
        let image = RGBImage(width: 4, height: 2, pixels: (0..<24).map(Float.init))
        let small = try image.downsampled(by: 2)
        #expect(small.width == 2 && small.height == 1)
        #expect(small[0, 0] == SIMD3(7.5, 8.5, 9.5))
    }

    /// The rasteriser's SH basis is orthonormal on the sphere (Fibonacci-lattice quadrature) and
    /// equals the closed-form basis of the reference renderer.
    @Test func shBasisIsOrthonormalAndMatchesClosedForms() {
        let n = 20000
        var gram = [Double](repeating: 0, count: 256)
        for i in 0..<n {
            let z = 1 - (2 * Double(i) + 1) / Double(n)
            let r = (1 - z * z).squareRoot()
            let phi = Double(i) * Double.pi * (3 - 5.0.squareRoot())
            let d = SIMD3<Float>(Float(r * cos(phi)), Float(r * sin(phi)), Float(z))
            let b = SphericalHarmonics.basis(degree: 3, direction: d)
            let closed = ReferenceRenderer.shBasis(degree: 3, x: Double(d.x), y: Double(d.y), z: Double(d.z))
            for k in 0..<16 { #expect(abs(Double(b[k]) - closed[k]) < 1e-5) }
            for j in 0..<16 { for k in 0..<16 { gram[16 * j + k] += Double(b[j] * b[k]) * 4 * Double.pi / Double(n) } }
        }
        for j in 0..<16 { for k in 0..<16 { #expect(abs(gram[16 * j + k] - (j == k ? 1 : 0)) < 2e-3) } }
    }
}
