/// Where a frame's tiles are written: interleaved RGB output and optional alpha; a training
/// forward also keeps, per pixel, the final transmittance and how many entries of its tile's
/// list were consumed up to the last one blended (0: none) — what the reverse pass needs.
struct TileTarget: @unchecked Sendable {
    let pixels: UnsafeMutablePointer<Float>
    let alpha: UnsafeMutablePointer<Float>?
    let width: Int
    let height: Int
    let tilesX: Int
    let background: SIMD3<Float>
    var transmittance: UnsafeMutablePointer<Float>? = nil
    var contributors: UnsafeMutablePointer<Int32>? = nil
}

/// The per-tile depth-ordered Gaussian lists of a frame.
struct TileLists: @unchecked Sendable {
    let gaussians: UnsafePointer<ProjectedGaussian>
    /// Tile t's entries are `entries[starts[t]..<starts[t+1]]`.
    let starts: UnsafePointer<Int32>
    let entries: UnsafePointer<UInt32>
}

/// One chunk of horizontally adjacent pixels of a tile row, blended together.
typealias PixelLanes = SIMD8<Float>
/// Per-lane flags of a ``PixelLanes`` chunk.
typealias PixelMask = SIMDMask<LaneIndices>
/// Per-lane integers of a ``PixelLanes`` chunk.
typealias LaneIndices = SIMD8<Int32>

/// Front-to-back blending of one 16×16 tile. Holds one worker's per-pixel state; create one
/// per worker.
///
/// The state is structure-of-arrays (red, green, blue, transmittance, stopped), stored as
/// chunks of ``PixelLanes`` so that every step of the blend — exponential, skip and stop rules,
/// accumulation — runs on whole chunks with masks instead of branching per pixel. For every
/// Gaussian only the rows, and in each row the chunks, that overlap the ellipse where its alpha
/// can reach 1/255 are visited (a conservative bound), so small splats cost what they cover.
final class TileBlender {
    static let lanes = PixelLanes.scalarCount
    static let chunksPerRow = RenderOptions.tileSize / lanes
    static let chunks = RenderOptions.tileSize * chunksPerRow

    private let red = UnsafeMutablePointer<PixelLanes>.allocate(capacity: chunks)
    private let green = UnsafeMutablePointer<PixelLanes>.allocate(capacity: chunks)
    private let blue = UnsafeMutablePointer<PixelLanes>.allocate(capacity: chunks)
    private let transmittance = UnsafeMutablePointer<PixelLanes>.allocate(capacity: chunks)
    /// Lanes that take no more input: their transmittance would have dropped below the cutoff,
    /// or they lie beyond the image's right edge.
    private let stopped = UnsafeMutablePointer<PixelMask>.allocate(capacity: chunks)
    /// Per lane, entries of the tile's list consumed up to the last one blended (training only).
    private let contributors = UnsafeMutablePointer<LaneIndices>.allocate(capacity: chunks)
    /// Column offsets 0, 1, … of a chunk's lanes.
    private let laneColumns: LaneIndices
    // The reference's thresholds as whole vectors: Swift's vector-with-scalar comparisons
    // are generic per-lane loops, which the optimiser does not always turn into vector code.
    private let minimumAlpha = PixelLanes(repeating: RenderOptions.minimumAlpha)
    private let maximumAlpha = PixelLanes(repeating: RenderOptions.maximumAlpha)
    private let cutoff = PixelLanes(repeating: RenderOptions.transmittanceCutoff)

    init() {
        var columns = LaneIndices()
        for lane in columns.indices { columns[lane] = Int32(lane) }
        laneColumns = columns
    }

    deinit {
        red.deallocate()
        green.deallocate()
        blue.deallocate()
        transmittance.deallocate()
        stopped.deallocate()
        contributors.deallocate()
    }

    func rasterize(tile: Int, lists: TileLists, into target: TileTarget) {
        let size = RenderOptions.tileSize
        let x0 = (tile % target.tilesX) * size
        let y0 = (tile / target.tilesX) * size
        let rows = min(size, target.height - y0)
        let columns = min(size, target.width - x0)
        red.update(repeating: .zero, count: Self.chunks)
        green.update(repeating: .zero, count: Self.chunks)
        blue.update(repeating: .zero, count: Self.chunks)
        transmittance.update(repeating: PixelLanes(repeating: 1), count: Self.chunks)
        for chunk in 0..<Self.chunks {
            let firstColumn = LaneIndices(repeating: Int32((chunk % Self.chunksPerRow) * Self.lanes))
            stopped[chunk] = laneColumns &+ firstColumn .>= LaneIndices(repeating: Int32(columns))
        }
        let laneOffsets = PixelLanes(laneColumns)
        var remaining = rows * columns
        let records = target.contributors != nil
        if records { contributors.update(repeating: LaneIndices(), count: Self.chunks) }
        let start = Int(lists.starts[tile])

        for entry in start..<Int(lists.starts[tile + 1]) {
            let g = lists.gaussians[Int(lists.entries[entry])]
            guard let band = Self.band(of: g, x0: x0, y0: y0, rows: rows, columns: columns) else { continue }
            let consumed = LaneIndices(repeating: Int32(entry - start + 1))
            for r in band.rows {
                let dy = g.meanY - (Float(y0 + r) + 0.5)
                guard let chunks = Self.chunks(of: g, dy: dy, band: band, x0: x0, columns: columns) else { continue }
                // Whole chunks: lanes outside the span have alpha < 1/255, so the rules below
                // skip them just as a per-pixel loop over every pixel would.
                for chunkColumn in chunks {
                    let chunk = r * Self.chunksPerRow + chunkColumn
                    let open = .!stopped[chunk]
                    guard any(open) else { continue }
                    let centres = laneOffsets + PixelLanes(repeating: Float(x0 + chunkColumn * Self.lanes) + 0.5)
                    let (stops, blends) = blend(g, dy: dy, centres: centres, lanes: open, chunk: chunk)
                    if records { contributors[chunk].replace(with: consumed, where: blends) }
                    if any(stops) {
                        stopped[chunk] = stopped[chunk] .| stops
                        // A true lane is −1 as an integer.
                        remaining += Int(unsafeBitCast(stops, to: LaneIndices.self).wrappedSum())
                    }
                }
            }
            if remaining == 0 { break }
        }
        write(x0: x0, y0: y0, rows: rows, columns: columns, to: target)
    }

    /// Blends `g` into the `open` lanes of one chunk whose pixel centres are `centres`, with
    /// the reference's per-pixel rules: `alpha = min(0.99, o·exp(power))`, skipped when
    /// `power > 0` or `alpha < 1/255`; a pixel whose transmittance would drop below the cutoff
    /// stops instead (this Gaussian is not added). Returns the lanes that stopped.
    @inline(__always)
    private func blend(
        _ g: ProjectedGaussian, dy: Float, centres: PixelLanes, lanes open: PixelMask, chunk: Int
    ) -> (stops: PixelMask, blends: PixelMask) {
        let dx = PixelLanes(repeating: g.meanX) - centres
        let power = Self.power(g, dx: dx, dy: dy)
        let exponential = PixelLanes(repeating: g.opacity) * fastExp(power)
        let alpha = exponential.replacing(with: maximumAlpha, where: maximumAlpha .< exponential)
        let takes = open .& (power .<= PixelLanes()) .& (alpha .>= minimumAlpha)
        let t = transmittance[chunk]
        let next = t * (PixelLanes(repeating: 1) - alpha)
        let stops = takes .& (next .< cutoff)
        let blends = takes .& .!stops
        let weight = alpha * t
        red[chunk] = red[chunk].replacing(with: red[chunk] + PixelLanes(repeating: g.color.x) * weight, where: blends)
        green[chunk] = green[chunk].replacing(with: green[chunk] + PixelLanes(repeating: g.color.y) * weight, where: blends)
        blue[chunk] = blue[chunk].replacing(with: blue[chunk] + PixelLanes(repeating: g.color.z) * weight, where: blends)
        transmittance[chunk] = t.replacing(with: next, where: blends)
        return (stops, blends)
    }

    /// The Gaussian's exponent −½(A·dx² + C·dy²) − B·dx·dy per lane, written once so that the
    /// reverse pass recomputes bit-identical alphas (and so the same skip decisions).
    @inline(__always)
    static func power(_ g: ProjectedGaussian, dx: PixelLanes, dy: Float) -> PixelLanes {
        PixelLanes(repeating: -0.5) * (PixelLanes(repeating: g.conicA) * dx * dx + PixelLanes(repeating: g.conicC * dy * dy))
            - PixelLanes(repeating: g.conicB) * dx * PixelLanes(repeating: dy)
    }

    /// The rows of a tile (and the chunk columns of its widest row) that `g` can reach with
    /// alpha ≥ 1/255 — a conservative box; nil when empty.
    @inline(__always)
    static func band(of g: ProjectedGaussian, x0: Int, y0: Int, rows: Int, columns: Int) -> (rows: ClosedRange<Int>, chunks: ClosedRange<Int>)? {
        let firstRow = max(0, floorIndex(g.meanY - g.rowExtent - 0.5) - y0)
        let lastRow = min(rows - 1, ceilingIndex(g.meanY + g.rowExtent - 0.5) - y0)
        let firstChunk = max(0, floorIndex(g.meanX - g.columnExtent - 0.5) - x0) / lanes
        let lastChunk = min(columns - 1, ceilingIndex(g.meanX + g.columnExtent - 0.5) - x0) / lanes
        guard firstRow <= lastRow, firstChunk <= lastChunk else { return nil }
        return (firstRow...lastRow, firstChunk...lastChunk)
    }

    /// The chunks of the row at vertical offset `dy` (mean − pixel centre) that `g` can reach,
    /// narrowed by the ellipse's span in that row when the box spans several chunks.
    @inline(__always)
    static func chunks(
        of g: ProjectedGaussian, dy: Float, band: (rows: ClosedRange<Int>, chunks: ClosedRange<Int>), x0: Int, columns: Int
    ) -> ClosedRange<Int>? {
        guard band.chunks.count > 1 else { return band.chunks }
        // Columns where A·dx² + 2B·dx·dy + C·dy² ≤ reach (dx = meanX − pixel centre).
        let discriminant = g.conicB * g.conicB * dy * dy - g.conicA * (g.conicC * dy * dy - g.reach)
        guard discriminant >= 0 else { return nil }
        let root = discriminant.squareRoot()
        let dxLow = (-g.conicB * dy - root) / g.conicA
        let dxHigh = (-g.conicB * dy + root) / g.conicA
        let firstColumn = max(0, floorIndex(g.meanX - dxHigh - 0.5) - x0)
        let lastColumn = min(columns - 1, ceilingIndex(g.meanX - dxLow - 0.5) - x0)
        guard firstColumn <= lastColumn else { return nil }
        return (firstColumn / lanes)...(lastColumn / lanes)
    }

    private func write(x0: Int, y0: Int, rows: Int, columns: Int, to target: TileTarget) {
        let bg = target.background
        for r in 0..<rows {
            let base = (y0 + r) * target.width + x0
            for c in 0..<columns {
                let chunk = r * Self.chunksPerRow + c / Self.lanes
                let lane = c % Self.lanes
                let t = transmittance[chunk][lane]
                let out = target.pixels + 3 * (base + c)
                out[0] = red[chunk][lane] + t * bg.x
                out[1] = green[chunk][lane] + t * bg.y
                out[2] = blue[chunk][lane] + t * bg.z
                target.alpha?[base + c] = 1 - t
                target.transmittance?[base + c] = t
                target.contributors?[base + c] = contributors[chunk][lane]
            }
        }
    }
}

/// ⌊value⌋ as an Int without a libm call, clamped far outside any image so huge values cannot
/// trap. (Pixel x is in a span when its centre x + 0.5 is; rounding outwards on both ends keeps
/// the span conservative.)
@inline(__always)
func floorIndex(_ value: Float) -> Int {
    let clamped = min(max(value, -1e7), 1e7)
    let i = Int(clamped)
    return Float(i) > clamped ? i - 1 : i
}

/// ⌈value⌉ as an Int, clamped like ``floorIndex(_:)``.
@inline(__always)
func ceilingIndex(_ value: Float) -> Int {
    let clamped = min(max(value, -1e7), 1e7)
    let i = Int(clamped)
    return Float(i) < clamped ? i + 1 : i
}

/// e^x per lane for x ≤ 0 to about 2 ulp: Cody–Waite reduction x = n·ln2 + r, |r| ≤ ln2/2, a
/// degree-7 Taylor polynomial (truncation < 1e-8 relative), and 2ⁿ built in the exponent bits.
/// Inputs below −87 return e^−87 (alpha is negligible there anyway). Branch-free, so a chunk
/// compiles to vector instructions.
@inline(__always)
func fastExp(_ x: PixelLanes) -> PixelLanes {
    let lowest = PixelLanes(repeating: -87)
    let clamped = x.replacing(with: lowest, where: x .< lowest)
    // Adding 1.5·2²³ rounds to an integer in the low mantissa bits.
    let shifted = clamped * 1.442695040888963 + 12_582_912
    let n = shifted - 12_582_912
    let r = clamped - n * 0.693145751953125 - n * 1.428606820309417e-06
    var p = PixelLanes(repeating: 1.0 / 5040)
    p = p * r + 1.0 / 720
    p = p * r + 1.0 / 120
    p = p * r + 1.0 / 24
    p = p * r + 1.0 / 6
    p = p * r + 0.5
    p = p * r + 1
    p = p * r + 1
    let exponent = (unsafeBitCast(shifted, to: LaneIndices.self) &- LaneIndices(repeating: 0x4B40_0000 - 127)) &<< LaneIndices(repeating: 23)
    return p * unsafeBitCast(exponent, to: PixelLanes.self)
}
