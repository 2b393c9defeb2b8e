/// Where a frame's tiles are written: interleaved RGB output and optional alpha.
struct TileTarget: @unchecked Sendable {
    let pixels: UnsafeMutablePointer<Float>
    let alpha: UnsafeMutablePointer<Float>?
    let width: Int
    let height: Int
    let tilesX: Int
    let background: SIMD3<Float>
}

/// The per-tile depth-ordered Gaussian lists of a frame.
struct TileLists: @unchecked Sendable {
    let gaussians: UnsafePointer<ProjectedGaussian>
    /// Tile t's entries are `entries[starts[t]..<starts[t+1]]`.
    let starts: UnsafePointer<Int32>
    let entries: UnsafePointer<UInt32>
}

/// Front-to-back blending of one 16×16 tile. Holds one worker's per-pixel state; create one
/// per worker.
///
/// For every Gaussian only the pixels inside the ellipse where its alpha can reach 1/255 are
/// visited (a conservative bound, widened by a pixel), so small splats cost what they cover.
final class TileBlender {
    private static let pixels = RenderOptions.tileSize * RenderOptions.tileSize
    private let transmittance = UnsafeMutablePointer<Float>.allocate(capacity: pixels)
    private let color = UnsafeMutablePointer<SIMD3<Float>>.allocate(capacity: pixels)
    private let done = UnsafeMutablePointer<Bool>.allocate(capacity: pixels)
    /// Alphas of one row span, computed in a branch-free (vectorisable) pass.
    private let rowAlpha = UnsafeMutablePointer<Float>.allocate(capacity: RenderOptions.tileSize)

    deinit {
        transmittance.deallocate()
        color.deallocate()
        done.deallocate()
        rowAlpha.deallocate()
    }

    func rasterize(tile: Int, lists: TileLists, into target: TileTarget) {
        let size = RenderOptions.tileSize
        let x0 = (tile % target.tilesX) * size
        let y0 = (tile / target.tilesX) * size
        let rows = min(size, target.height - y0)
        let columns = min(size, target.width - x0)
        transmittance.update(repeating: 1, count: Self.pixels)
        color.update(repeating: .zero, count: Self.pixels)
        done.update(repeating: false, count: Self.pixels)
        var remaining = rows * columns
        let (minimumAlpha, maximumAlpha, cutoff) = (RenderOptions.minimumAlpha, RenderOptions.maximumAlpha, RenderOptions.transmittanceCutoff)

        for entry in Int(lists.starts[tile])..<Int(lists.starts[tile + 1]) {
            let g = lists.gaussians[Int(lists.entries[entry])]
            let firstRow = max(0, floorIndex(g.meanY - g.rowExtent - 0.5) - y0)
            let lastRow = min(rows - 1, ceilingIndex(g.meanY + g.rowExtent - 0.5) - y0)
            guard firstRow <= lastRow else { continue }
            for r in firstRow...lastRow {
                let dy = g.meanY - (Float(y0 + r) + 0.5)
                // Columns where A·dx² + 2B·dx·dy + C·dy² ≤ reach (dx = meanX − pixel centre).
                let discriminant = g.conicB * g.conicB * dy * dy - g.conicA * (g.conicC * dy * dy - g.reach)
                guard discriminant >= 0 else { continue }
                let root = discriminant.squareRoot()
                let dxLow = (-g.conicB * dy - root) / g.conicA
                let dxHigh = (-g.conicB * dy + root) / g.conicA
                let firstColumn = max(0, floorIndex(g.meanX - dxHigh - 0.5) - x0)
                let lastColumn = min(columns - 1, ceilingIndex(g.meanX - dxLow - 0.5) - x0)
                guard firstColumn <= lastColumn else { continue }
                let rowBase = r * size
                // Pass 1, branch-free so the compiler vectorises the exponentials; power > 0
                // maps to alpha 0, which the blending pass skips like the reference does.
                let span = lastColumn - firstColumn + 1
                let firstCentre = Float(x0 + firstColumn) + 0.5
                for k in 0..<span {
                    let dx = g.meanX - (firstCentre + Float(k))
                    let power = -0.5 * (g.conicA * dx * dx + g.conicC * dy * dy) - g.conicB * dx * dy
                    let alpha = min(maximumAlpha, g.opacity * fastExp(power))
                    rowAlpha[k] = power > 0 ? 0 : alpha
                }
                // Pass 2: front-to-back blending with the reference's skip and stop rules.
                for k in 0..<span where !done[rowBase + firstColumn + k] {
                    let alpha = rowAlpha[k]
                    if alpha < minimumAlpha { continue }
                    let p = rowBase + firstColumn + k
                    let t = transmittance[p]
                    let next = t * (1 - alpha)
                    if next < cutoff {
                        done[p] = true
                        remaining -= 1
                        continue
                    }
                    color[p] += g.color * (alpha * t)
                    transmittance[p] = next
                }
            }
            if remaining == 0 { break }
        }
        write(x0: x0, y0: y0, rows: rows, columns: columns, to: target)
    }

    private func write(x0: Int, y0: Int, rows: Int, columns: Int, to target: TileTarget) {
        let bg = target.background
        for r in 0..<rows {
            let base = (y0 + r) * target.width + x0
            for c in 0..<columns {
                let p = r * RenderOptions.tileSize + c
                let value = color[p] + transmittance[p] * bg
                let out = target.pixels + 3 * (base + c)
                out[0] = value.x
                out[1] = value.y
                out[2] = value.z
                target.alpha?[base + c] = 1 - transmittance[p]
            }
        }
    }
}

/// ⌊value⌋ as an Int without a libm call, clamped far outside any image so huge values cannot
/// trap. (Pixel x is in a span when its centre x + 0.5 is; rounding outwards on both ends keeps
/// the span conservative.)
@inline(__always)
private func floorIndex(_ value: Float) -> Int {
    let clamped = min(max(value, -1e7), 1e7)
    let i = Int(clamped)
    return Float(i) > clamped ? i - 1 : i
}

/// ⌈value⌉ as an Int, clamped like ``floorIndex(_:)``.
@inline(__always)
private func ceilingIndex(_ value: Float) -> Int {
    let clamped = min(max(value, -1e7), 1e7)
    let i = Int(clamped)
    return Float(i) < clamped ? i + 1 : i
}

/// e^x for x ≤ 0 to about 2 ulp: Cody–Waite reduction x = n·ln2 + r, |r| ≤ ln2/2, a degree-7
/// Taylor polynomial (truncation < 1e-8 relative), and 2ⁿ built in the exponent bits. Inputs
/// below −87 return e^−87 (alpha is negligible there anyway).
@inline(__always)
func fastExp(_ x: Float) -> Float {
    let clamped = max(x, -87)
    // Adding 1.5·2²³ rounds to an integer in the low mantissa bits.
    let shifted = clamped * 1.442695040888963 + 12_582_912
    let n = shifted - 12_582_912
    let r = clamped - n * 0.693145751953125 - n * 1.428606820309417e-06
    var p: Float = 1.0 / 5040
    p = p * r + 1.0 / 720
    p = p * r + 1.0 / 120
    p = p * r + 1.0 / 24
    p = p * r + 1.0 / 6
    p = p * r + 0.5
    p = p * r + 1
    p = p * r + 1
    let exponent = (shifted.bitPattern &- 0x4B40_0000 &+ 127) << 23
    return p * Float(bitPattern: exponent)
}
