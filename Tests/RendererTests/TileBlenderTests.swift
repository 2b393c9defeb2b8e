import Foundation
@testable import Renderer
import SeededRandom
import Testing

/// The chunked, masked blender against a plain per-pixel loop over every Gaussian.
@Suite struct TileBlenderTests {
    /// Random splats in screen space (means partly off the image, anisotropic, some opaque
    /// enough to stop pixels early), listed in every tile in index (= depth) order.
    static func randomSplats(count: Int, width: Int, height: Int, seed: UInt64) -> [ProjectedGaussian] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            let sx = Float(rng.nextUniform(in: 0.3..<9)), sy = Float(rng.nextUniform(in: 0.3..<9))
            let rho = Float(rng.nextUniform(in: -0.9..<0.9))
            let (a, b, c) = (sx * sx + 0.3, rho * sx * sy, sy * sy + 0.3)
            let det = a * c - b * b
            var g = ProjectedGaussian()
            g.meanX = Float(rng.nextUniform(in: -8..<(Double(width) + 8)))
            g.meanY = Float(rng.nextUniform(in: -8..<(Double(height) + 8)))
            (g.conicA, g.conicB, g.conicC) = (c / det, -b / det, a / det)
            g.opacity = Float(rng.nextUniform(in: 0.003..<1))
            g.color = SIMD3(Float(rng.nextUnit()), Float(rng.nextUnit()), Float(rng.nextUnit()))
            g.reach = ProjectedGaussian.reach(opacity: g.opacity)
            g.rowExtent = ProjectedGaussian.extent(reach: g.reach, variance: c)
            g.columnExtent = ProjectedGaussian.extent(reach: g.reach, variance: a)
            return g
        }
    }

    /// Per pixel, every splat in order with the reference's rules; the exponential is the same
    /// function the blender uses, so threshold decisions agree exactly.
    static func scalarReference(_ splats: [ProjectedGaussian], width: Int, height: Int, background: SIMD3<Float>) -> [Float] {
        var out = [Float](repeating: 0, count: 3 * width * height)
        for y in 0..<height {
            for x in 0..<width {
                var color = SIMD3<Float>.zero
                var t: Float = 1
                for g in splats {
                    let dx = g.meanX - (Float(x) + 0.5), dy = g.meanY - (Float(y) + 0.5)
                    let power = -0.5 * (g.conicA * dx * dx + g.conicC * dy * dy) - g.conicB * dx * dy
                    if power > 0 { continue }
                    let alpha = min(0.99, g.opacity * fastExp(PixelLanes(repeating: power))[0])
                    if alpha < 1 / 255 { continue }
                    let next = t * (1 - alpha)
                    if next < 1e-4 { break }
                    color += g.color * (alpha * t)
                    t = next
                }
                let value = color + t * background
                for channel in 0..<3 { out[3 * (y * width + x) + channel] = value[channel] }
            }
        }
        return out
    }

    @Test(arguments: [(UInt64(1), 40), (2, 150), (3, 600)])
    func matchesAScalarPerPixelLoop(seed: UInt64, count: Int) {
        let (width, height) = (45, 37)
        let tilesX = (width + 15) / 16, tilesY = (height + 15) / 16
        let splats = Self.randomSplats(count: count, width: width, height: height, seed: seed)
        let starts = (0...(tilesX * tilesY)).map { Int32($0 * count) }
        let entries = (0..<(tilesX * tilesY)).flatMap { _ in (0..<count).map(UInt32.init) }
        let background = SIMD3<Float>(0.2, 0.1, 0.4)
        var pixels = [Float](repeating: .nan, count: 3 * width * height)
        splats.withUnsafeBufferPointer { gaussians in
            starts.withUnsafeBufferPointer { startBuffer in
                entries.withUnsafeBufferPointer { entryBuffer in
                    pixels.withUnsafeMutableBufferPointer { out in
                        let lists = TileLists(gaussians: gaussians.baseAddress!, starts: startBuffer.baseAddress!, entries: entryBuffer.baseAddress!)
                        let target = TileTarget(
                            pixels: out.baseAddress!, alpha: nil, width: width, height: height, tilesX: tilesX, background: background)
                        let blender = TileBlender()
                        for tile in 0..<(tilesX * tilesY) { blender.rasterize(tile: tile, lists: lists, into: target) }
                    }
                }
            }
        }
        let reference = Self.scalarReference(splats, width: width, height: height, background: background)
        let maxDiff = zip(pixels, reference).map { abs($0 - $1) }.max() ?? .nan
        #expect(maxDiff <= 1e-5)
    }

    @Test func fastExpMatchesExpToAFewUlps() {
        var worst: Double = 0
        for k in 0...20_000 {
            let x = -87 * Float(k) / 20_000
            let exact = Foundation.exp(Double(x))
            worst = max(worst, abs(Double(fastExp(PixelLanes(repeating: x))[0]) - exact) / exact)
        }
        #expect(worst < 4e-7)
    }
}
