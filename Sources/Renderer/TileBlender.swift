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

/// Front-to-back blending of one 16×16 tile, one SIMD16 lane per pixel of a row.
struct TileBlender {
    private typealias Row = SIMD16<Float>
    private var transmittance = [Row](repeating: Row(), count: 16)
    private var red = [Row](repeating: Row(), count: 16)
    private var green = [Row](repeating: Row(), count: 16)
    private var blue = [Row](repeating: Row(), count: 16)
    private var done = [SIMDMask<SIMD16<Int32>>](repeating: .init(), count: 16)
    private var rowFinished = [Bool](repeating: false, count: 16)
    private static let lanes = Row(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)

    mutating func rasterize(tile: Int, lists: TileLists, into target: TileTarget) {
        let size = RenderOptions.tileSize
        let x0 = (tile % target.tilesX) * size
        let y0 = (tile / target.tilesX) * size
        let rows = min(size, target.height - y0)
        let columns = min(size, target.width - x0)
        let outside = Self.lanes .>= Row(repeating: Float(columns))
        for r in 0..<rows {
            transmittance[r] = Row(repeating: 1)
            red[r] = Row()
            green[r] = Row()
            blue[r] = Row()
            done[r] = outside
            rowFinished[r] = false
        }
        var activeRows = rows
        let pixelX = Self.lanes + Float(x0) + 0.5
        let minimumAlpha = Row(repeating: RenderOptions.minimumAlpha)
        let maximumAlpha = Row(repeating: RenderOptions.maximumAlpha)
        let cutoff = Row(repeating: RenderOptions.transmittanceCutoff)

        for entry in Int(lists.starts[tile])..<Int(lists.starts[tile + 1]) {
            let g = lists.gaussians[Int(lists.entries[entry])]
            // Only rows within the Gaussian's reach can get alpha ≥ 1/255.
            let firstRow = max(0, Int((g.meanY - g.rowExtent - 0.5).rounded(.down)) - y0)
            let lastRow = min(rows - 1, Int((g.meanY + g.rowExtent - 0.5).rounded(.up)) - y0)
            guard firstRow <= lastRow else { continue }
            let dx = g.meanX - pixelX
            let ax = g.conicA * dx * dx
            for r in firstRow...lastRow where !rowFinished[r] {
                let dy = g.meanY - (Float(y0 + r) + 0.5)
                let power = -0.5 * (ax + g.conicC * dy * dy) - g.conicB * dx * dy
                let alpha = (g.opacity * Row.exp(power)).replacing(with: maximumAlpha, where: g.opacity * Row.exp(power) .> maximumAlpha)
                let contributes = (power .<= 0) .& (alpha .>= minimumAlpha) .& .!done[r]
                if !any(contributes) { continue }
                let nextTransmittance = transmittance[r] * (1 - alpha)
                let stops = contributes .& (nextTransmittance .< cutoff)
                let blends = contributes .& .!stops
                let weight = (alpha * transmittance[r]).replacing(with: 0, where: .!blends)
                red[r] += g.color.x * weight
                green[r] += g.color.y * weight
                blue[r] += g.color.z * weight
                transmittance[r].replace(with: nextTransmittance, where: blends)
                if any(stops) {
                    done[r] = done[r] .| stops
                    if all(done[r]) {
                        rowFinished[r] = true
                        activeRows -= 1
                    }
                }
            }
            if activeRows == 0 { break }
        }
        write(x0: x0, y0: y0, rows: rows, columns: columns, to: target)
    }

    private func write(x0: Int, y0: Int, rows: Int, columns: Int, to target: TileTarget) {
        let bg = target.background
        for r in 0..<rows {
            let t = transmittance[r]
            let base = (y0 + r) * target.width + x0
            for c in 0..<columns {
                let out = target.pixels + 3 * (base + c)
                out[0] = red[r][c] + t[c] * bg.x
                out[1] = green[r][c] + t[c] * bg.y
                out[2] = blue[r][c] + t[c] * bg.z
                target.alpha?[base + c] = 1 - t[c]
            }
        }
    }
}
