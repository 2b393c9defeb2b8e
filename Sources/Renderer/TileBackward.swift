/// What the reverse pass of one frame reads and writes, shared by its tile workers.
struct TileBackwardTarget: @unchecked Sendable {
    /// ∂loss/∂pixel, RGB interleaved like the image.
    let pixelGradient: UnsafePointer<Float>
    /// The forward's final transmittance per pixel.
    let transmittance: UnsafePointer<Float>
    /// The forward's consumed-entry count per pixel (see ``TileTarget``).
    let contributors: UnsafePointer<Int32>
    let width: Int
    let height: Int
    let tilesX: Int
    let background: SIMD3<Float>
    /// One ``SplatGradient`` per Gaussian–tile pair, at the pair's index in the tile lists.
    let pairGradients: UnsafeMutablePointer<SplatGradient>
}

/// The reverse pass of front-to-back blending over one 16×16 tile (Kerbl et al. 2023, §6 and
/// their supplement): each pixel is walked back to front from its last contributor, recovering
/// the transmittance before each splat from the final one, T_i = T_{i+1} / (1 − α_i), and the
/// colour behind it, so that
///   ∂C/∂c_i = α_i·T_i,   ∂C/∂α_i = c_i·T_i − (colour behind i) / (1 − α_i).
/// Alpha is recomputed with the forward's own exponent and exponential, so every skip (1/255,
/// power > 0) and the 0.99 clamp (no gradient through a clamped alpha) decide exactly as they
/// did in the forward; pixels past the 1e−4 stop never see the splats they did not blend.
///
/// The per-pair sums run in a fixed order (rows, chunks, then a fixed lane reduction), so the
/// result does not depend on which worker runs the tile. Create one per worker.
final class TileBackward {
    private static let lanes = TileBlender.lanes
    private static let chunksPerRow = TileBlender.chunksPerRow
    private static let chunks = TileBlender.chunks

    private let transmittance = UnsafeMutablePointer<PixelLanes>.allocate(capacity: chunks)
    /// Colour behind the current splat: Σ_{j later} c_j·α_j·T_j + T_final·background.
    private let behindR = UnsafeMutablePointer<PixelLanes>.allocate(capacity: chunks)
    private let behindG = UnsafeMutablePointer<PixelLanes>.allocate(capacity: chunks)
    private let behindB = UnsafeMutablePointer<PixelLanes>.allocate(capacity: chunks)
    private let pixelR = UnsafeMutablePointer<PixelLanes>.allocate(capacity: chunks)
    private let pixelG = UnsafeMutablePointer<PixelLanes>.allocate(capacity: chunks)
    private let pixelB = UnsafeMutablePointer<PixelLanes>.allocate(capacity: chunks)
    private let contributors = UnsafeMutablePointer<LaneIndices>.allocate(capacity: chunks)
    private let laneOffsets: PixelLanes
    private let minimumAlpha = PixelLanes(repeating: RenderOptions.minimumAlpha)
    private let maximumAlpha = PixelLanes(repeating: RenderOptions.maximumAlpha)

    init() {
        var offsets = PixelLanes()
        for lane in offsets.indices { offsets[lane] = Float(lane) }
        laneOffsets = offsets
    }

    deinit {
        for buffer in [transmittance, behindR, behindG, behindB, pixelR, pixelG, pixelB] { buffer.deallocate() }
        contributors.deallocate()
    }

    func backward(tile: Int, lists: TileLists, target: TileBackwardTarget) {
        let size = RenderOptions.tileSize
        let x0 = (tile % target.tilesX) * size
        let y0 = (tile / target.tilesX) * size
        let rows = min(size, target.height - y0)
        let columns = min(size, target.width - x0)
        let start = Int(lists.starts[tile]), end = Int(lists.starts[tile + 1])
        let deepest = load(x0: x0, y0: y0, rows: rows, columns: columns, target: target)
        // Entries no pixel consumed get no gradient.
        for entry in (start + deepest)..<end { target.pairGradients[entry] = SplatGradient() }

        for entry in stride(from: start + deepest - 1, through: start, by: -1) {
            let g = lists.gaussians[Int(lists.entries[entry])]
            let local = LaneIndices(repeating: Int32(entry - start))
            var sums = LaneSums()
            if let band = TileBlender.band(of: g, x0: x0, y0: y0, rows: rows, columns: columns) {
                for r in band.rows {
                    let dy = g.meanY - (Float(y0 + r) + 0.5)
                    guard let chunks = TileBlender.chunks(of: g, dy: dy, band: band, x0: x0, columns: columns) else { continue }
                    for chunkColumn in chunks {
                        let chunk = r * Self.chunksPerRow + chunkColumn
                        let consumed = local .< contributors[chunk]
                        guard any(consumed) else { continue }
                        let centres = laneOffsets + PixelLanes(repeating: Float(x0 + chunkColumn * Self.lanes) + 0.5)
                        unblend(g, dy: dy, centres: centres, consumed: consumed, chunk: chunk, sums: &sums)
                    }
                }
            }
            target.pairGradients[entry] = sums.total
        }
    }

    /// Loads the forward's per-pixel state and ∂loss/∂pixel; returns the largest consumed count.
    private func load(x0: Int, y0: Int, rows: Int, columns: Int, target: TileBackwardTarget) -> Int {
        transmittance.update(repeating: PixelLanes(repeating: 1), count: Self.chunks)
        for buffer in [behindR, behindG, behindB, pixelR, pixelG, pixelB] { buffer.update(repeating: .zero, count: Self.chunks) }
        contributors.update(repeating: LaneIndices(), count: Self.chunks)
        let bg = target.background
        var deepest: Int32 = 0
        for r in 0..<rows {
            let base = (y0 + r) * target.width + x0
            for c in 0..<columns {
                let chunk = r * Self.chunksPerRow + c / Self.lanes
                let lane = c % Self.lanes
                let t = target.transmittance[base + c]
                let gradient = target.pixelGradient + 3 * (base + c)
                transmittance[chunk][lane] = t
                behindR[chunk][lane] = t * bg.x
                behindG[chunk][lane] = t * bg.y
                behindB[chunk][lane] = t * bg.z
                pixelR[chunk][lane] = gradient[0]
                pixelG[chunk][lane] = gradient[1]
                pixelB[chunk][lane] = gradient[2]
                let count = target.contributors[base + c]
                contributors[chunk][lane] = count
                deepest = max(deepest, count)
            }
        }
        return Int(deepest)
    }

    /// Undoes `g`'s blend in the lanes that consumed it and adds its gradient terms to `sums`.
    @inline(__always)
    private func unblend(_ g: ProjectedGaussian, dy: Float, centres: PixelLanes, consumed: PixelMask, chunk: Int, sums: inout LaneSums) {
        let dx = PixelLanes(repeating: g.meanX) - centres
        let power = TileBlender.power(g, dx: dx, dy: dy)
        let falloff = fastExp(power)
        let exponential = PixelLanes(repeating: g.opacity) * falloff
        let clamped = maximumAlpha .< exponential
        let alpha = exponential.replacing(with: maximumAlpha, where: clamped)
        let blended = consumed .& (power .<= PixelLanes()) .& (alpha .>= minimumAlpha)
        guard any(blended) else { return }
        let skipped = .!blended
        let oneMinus = PixelLanes(repeating: 1) - alpha
        let before = transmittance[chunk] / oneMinus
        let weight = alpha * before
        let (dR, dG, dB) = (pixelR[chunk], pixelG[chunk], pixelB[chunk])
        let (cR, cG, cB) = (PixelLanes(repeating: g.color.x), PixelLanes(repeating: g.color.y), PixelLanes(repeating: g.color.z))
        sums.red += (weight * dR).replacing(with: 0, where: skipped)
        sums.green += (weight * dG).replacing(with: 0, where: skipped)
        sums.blue += (weight * dB).replacing(with: 0, where: skipped)
        let dAlpha =
            dR * (cR * before - behindR[chunk] / oneMinus) + dG * (cG * before - behindG[chunk] / oneMinus)
            + dB * (cB * before - behindB[chunk] / oneMinus)
        behindR[chunk] = behindR[chunk].replacing(with: behindR[chunk] + cR * weight, where: blended)
        behindG[chunk] = behindG[chunk].replacing(with: behindG[chunk] + cG * weight, where: blended)
        behindB[chunk] = behindB[chunk].replacing(with: behindB[chunk] + cB * weight, where: blended)
        transmittance[chunk] = transmittance[chunk].replacing(with: before, where: blended)
        // α = o·e^power below the clamp: ∂α/∂o = e^power, ∂α/∂power = α; a clamped α passes nothing.
        let passes = blended .& .!clamped
        sums.opacity += (dAlpha * falloff).replacing(with: 0, where: .!passes)
        let dPower = (dAlpha * exponential).replacing(with: 0, where: .!passes)
        let dyLanes = PixelLanes(repeating: dy)
        let (a, b, c) = (PixelLanes(repeating: g.conicA), PixelLanes(repeating: g.conicB), PixelLanes(repeating: g.conicC))
        sums.meanX -= dPower * (a * dx + b * dyLanes)
        sums.meanY -= dPower * (c * dyLanes + b * dx)
        sums.conicA -= PixelLanes(repeating: 0.5) * dPower * dx * dx
        sums.conicB -= dPower * dx * dyLanes
        sums.conicC -= PixelLanes(repeating: 0.5 * dy * dy) * dPower
    }
}

/// Per-lane partial sums of one splat's gradient over a tile's chunks.
private struct LaneSums {
    var meanX = PixelLanes(), meanY = PixelLanes()
    var conicA = PixelLanes(), conicB = PixelLanes(), conicC = PixelLanes()
    var opacity = PixelLanes()
    var red = PixelLanes(), green = PixelLanes(), blue = PixelLanes()

    /// The lanes added in a fixed order.
    var total: SplatGradient {
        SplatGradient(
            mean: SIMD2(meanX.sum(), meanY.sum()),
            conic: SIMD3(conicA.sum(), conicB.sum(), conicC.sum()),
            opacity: opacity.sum(),
            color: SIMD3(red.sum(), green.sum(), blue.sum()))
    }
}
