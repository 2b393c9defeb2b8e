import Foundation
import Renderer

/// An independent brute-force 3DGS renderer for the exactness tests: every pixel visits every
/// Gaussian in depth order, with the reference's constants, in Double precision, with the SH
/// basis written from its closed-form normalisations. It shares no code with the rasteriser.
enum ReferenceRenderer {
    struct Splat {
        var mean: (Double, Double)
        var conic: (Double, Double, Double)
        var opacity: Double
        var color: [Double]
        var depth: Double
        var index: Int
        var tiles: (minX: Int, maxX: Int, minY: Int, maxY: Int)
    }

    static func render(_ scene: GaussianScene, camera: Camera, background: SIMD3<Float> = .zero) -> [Double] {
        let splats = project(scene, camera: camera).sorted { ($0.depth, $0.index) < ($1.depth, $1.index) }
        var out = [Double](repeating: 0, count: camera.width * camera.height * 3)
        for y in 0..<camera.height {
            for x in 0..<camera.width {
                var t = 1.0
                var c = [0.0, 0.0, 0.0]
                for s in splats where (s.tiles.minX..<s.tiles.maxX).contains(x / 16) && (s.tiles.minY..<s.tiles.maxY).contains(y / 16) {
                    let dx = s.mean.0 - (Double(x) + 0.5)
                    let dy = s.mean.1 - (Double(y) + 0.5)
                    let power = -0.5 * (s.conic.0 * dx * dx + s.conic.2 * dy * dy) - s.conic.1 * dx * dy
                    if power > 0 { continue }
                    let alpha = min(0.99, s.opacity * exp(power))
                    if alpha < 1.0 / 255.0 { continue }
                    let next = t * (1 - alpha)
                    if next < 1e-4 { break }
                    for ch in 0..<3 { c[ch] += s.color[ch] * alpha * t }
                    t = next
                }
                let bg = [Double(background.x), Double(background.y), Double(background.z)]
                for ch in 0..<3 { out[(y * camera.width + x) * 3 + ch] = c[ch] + t * bg[ch] }
            }
        }
        return out
    }

    static func project(_ scene: GaussianScene, camera: Camera) -> [Splat] {
        let w = [camera.rotation.0, camera.rotation.1, camera.rotation.2].map { [Double($0.x), Double($0.y), Double($0.z)] }
        let tr = [Double(camera.translation.x), Double(camera.translation.y), Double(camera.translation.z)]
        let (fx, fy, cx, cy) = (Double(camera.fx), Double(camera.fy), Double(camera.cx), Double(camera.cy))
        let center = (0..<3).map { j in -(0..<3).reduce(0.0) { $0 + w[$1][j] * tr[$1] } }
        let tilesX = (camera.width + 15) / 16, tilesY = (camera.height + 15) / 16
        var result: [Splat] = []
        for i in 0..<scene.count {
            let g = scene[i]
            let p = [Double(g.position.x), Double(g.position.y), Double(g.position.z)]
            let pc = (0..<3).map { r in (0..<3).reduce(tr[r]) { $0 + w[r][$1] * p[$1] } }
            if pc[2] <= Double(Float(0.2)) { continue }  // the reference compares in Float
            var q = [Double(g.rotation.x), Double(g.rotation.y), Double(g.rotation.z), Double(g.rotation.w)]
            let qn = sqrt(q.reduce(0) { $0 + $1 * $1 })
            q = q.map { $0 / qn }
            let (qw, qx, qy, qz) = (q[0], q[1], q[2], q[3])
            let rot = [
                [1 - 2 * (qy * qy + qz * qz), 2 * (qx * qy - qw * qz), 2 * (qx * qz + qw * qy)],
                [2 * (qx * qy + qw * qz), 1 - 2 * (qx * qx + qz * qz), 2 * (qy * qz - qw * qx)],
                [2 * (qx * qz - qw * qy), 2 * (qy * qz + qw * qx), 1 - 2 * (qx * qx + qy * qy)],
            ]
            let s2 = [g.logScale.x, g.logScale.y, g.logScale.z].map { exp(2 * Double($0)) }
            // Σ = R·S·Sᵀ·Rᵀ, then the camera-frame covariance W·Σ·Wᵀ.
            let sigma = matrix(3, 3) { a, b in (0..<3).reduce(0.0) { $0 + rot[a][$1] * s2[$1] * rot[b][$1] } }
            let sigmaCam = multiply(multiply(w, sigma), transpose(w))
            let limX = 1.3 * Double(camera.width) / (2 * fx), limY = 1.3 * Double(camera.height) / (2 * fy)
            let z = pc[2]
            let tx = min(limX, max(-limX, pc[0] / z)) * z
            let ty = min(limY, max(-limY, pc[1] / z)) * z
            let jac = [[fx / z, 0, -fx * tx / (z * z)], [0, fy / z, -fy * ty / (z * z)]]
            var cov = multiply(multiply(jac, sigmaCam), transpose(jac))
            cov[0][0] += 0.3
            cov[1][1] += 0.3
            let det = cov[0][0] * cov[1][1] - cov[0][1] * cov[1][0]
            if det <= 0 { continue }
            let mid = 0.5 * (cov[0][0] + cov[1][1])
            let lambda = mid + sqrt(max(0.1, mid * mid - det))
            let radius = ceil(3 * sqrt(lambda))
            let mean = (fx * pc[0] / z + cx, fy * pc[1] / z + cy)
            func clampTile(_ v: Double, _ limit: Int) -> Int { min(limit, max(0, Int(floor(max(-1, min(1e6, v)))))) }
            let tiles = (
                minX: clampTile((mean.0 - 0.5 - radius) / 16, tilesX), maxX: clampTile((mean.0 - 0.5 + radius + 15) / 16, tilesX),
                minY: clampTile((mean.1 - 0.5 - radius) / 16, tilesY), maxY: clampTile((mean.1 - 0.5 + radius + 15) / 16, tilesY)
            )
            if tiles.maxX <= tiles.minX || tiles.maxY <= tiles.minY { continue }
            var dir = (0..<3).map { p[$0] - center[$0] }
            let dn = sqrt(dir.reduce(0) { $0 + $1 * $1 })
            dir = dir.map { $0 / dn }
            let basis = shBasis(degree: scene.shDegree, x: dir[0], y: dir[1], z: dir[2])
            let color = (0..<3).map { ch in
                max(0, basis.indices.reduce(0.0) { $0 + basis[$1] * Double(g.sh[$1][ch]) } + 0.5)
            }
            result.append(
                Splat(
                    mean: mean, conic: (cov[1][1] / det, -cov[0][1] / det, cov[0][0] / det),
                    opacity: 1 / (1 + exp(-Double(g.opacityLogit))), color: color, depth: z, index: i, tiles: tiles))
        }
        return result
    }

    /// Real SH basis (3DGS sign convention) from the closed-form normalisation constants.
    static func shBasis(degree: Int, x: Double, y: Double, z: Double) -> [Double] {
        let k = 1 / sqrt(Double.pi)
        var b = [0.5 * k]
        if degree >= 1 { b += [-sqrt(3) / 2 * k * y, sqrt(3) / 2 * k * z, -sqrt(3) / 2 * k * x] }
        if degree >= 2 {
            b += [
                sqrt(15) / 2 * k * x * y, -sqrt(15) / 2 * k * y * z, sqrt(5) / 4 * k * (2 * z * z - x * x - y * y),
                -sqrt(15) / 2 * k * x * z, sqrt(15) / 4 * k * (x * x - y * y),
            ]
        }
        if degree >= 3 {
            b += [
                -sqrt(35.0 / 2) / 4 * k * y * (3 * x * x - y * y), sqrt(105) / 2 * k * x * y * z,
                -sqrt(21.0 / 2) / 4 * k * y * (4 * z * z - x * x - y * y), sqrt(7) / 4 * k * z * (2 * z * z - 3 * x * x - 3 * y * y),
                -sqrt(21.0 / 2) / 4 * k * x * (4 * z * z - x * x - y * y), sqrt(105) / 4 * k * z * (x * x - y * y),
                -sqrt(35.0 / 2) / 4 * k * x * (x * x - 3 * y * y),
            ]
        }
        return b
    }

    static func matrix(_ rows: Int, _ columns: Int, _ entry: (Int, Int) -> Double) -> [[Double]] {
        (0..<rows).map { r in (0..<columns).map { c in entry(r, c) } }
    }

    static func multiply(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
        matrix(a.count, b[0].count) { r, c in (0..<b.count).reduce(0.0) { $0 + a[r][$1] * b[$1][c] } }
    }

    static func transpose(_ a: [[Double]]) -> [[Double]] { matrix(a[0].count, a.count) { r, c in a[c][r] } }
}
