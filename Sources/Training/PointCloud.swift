import Foundation
import Renderer
import SeededRandom

/// Coloured 3D points — a COLMAP reconstruction's `points3D`, or samples of a known scene — from
/// which a trainer starts.
public struct PointCloud: Sendable, Equatable {
    /// Positions in world coordinates.
    public var positions: [SIMD3<Float>]
    /// Colours in [0, 1].
    public var colors: [SIMD3<Float>]

    /// Points with colours; the arrays must have equal lengths.
    public init(positions: [SIMD3<Float>], colors: [SIMD3<Float>]) throws {
        guard positions.count == colors.count else {
            throw TrainingError(.invalidArgument, "\(positions.count) positions but \(colors.count) colours")
        }
        guard positions.allSatisfy({ $0.x.isFinite && $0.y.isFinite && $0.z.isFinite }) else {
            throw TrainingError(.invalidArgument, "a point has a non-finite coordinate")
        }
        self.positions = positions
        self.colors = colors
    }

    /// `count` uniform points in the cube [−halfSide, halfSide]³ with uniform random colours
    /// (the reference's start for datasets without points).
    public static func random(count: Int, halfSide: Float, seed: UInt64) -> PointCloud {
        var rng = SeededGenerator(seed: seed)
        func uniform() -> Float { Float(rng.nextUniform(in: -1..<1)) }
        let positions = (0..<count).map { _ in SIMD3(uniform(), uniform(), uniform()) * halfSide }
        let colors = (0..<count).map { _ in SIMD3(Float(rng.nextUnit()), Float(rng.nextUnit()), Float(rng.nextUnit())) }
        return try! PointCloud(positions: positions, colors: colors)
    }

    /// The reference's initial scene: one isotropic Gaussian per point whose scale is the root of
    /// the mean squared distance to its 3 nearest neighbours (at least √1e−7), identity rotation,
    /// opacity 0.1, and the point's colour as the DC term (higher SH zero).
    public func initialScene(shDegree: Int) throws -> GaussianScene {
        guard !positions.isEmpty else { throw TrainingError(.invalidArgument, "no points to initialise from") }
        let squared = NearestNeighbours(points: positions).meanSquaredDistances(k: 3)
        let k = (shDegree + 1) * (shDegree + 1)
        let n = positions.count
        var sh = [Float](repeating: 0, count: 3 * k * n)
        var logScales = [Float](repeating: 0, count: 3 * n)
        for i in 0..<n {
            let dc = SphericalHarmonics.dcCoefficient(forColor: colors[i])
            (sh[3 * k * i], sh[3 * k * i + 1], sh[3 * k * i + 2]) = (dc.x, dc.y, dc.z)
            let logScale = 0.5 * log(max(squared[i], 1e-7))
            for axis in 0..<3 { logScales[3 * i + axis] = logScale }
        }
        return try GaussianScene(
            shDegree: shDegree, positions: positions.flatMap { [$0.x, $0.y, $0.z] }, logScales: logScales,
            rotations: (0..<n).flatMap { _ in [Float(1), 0, 0, 0] },
            opacityLogits: [Float](repeating: log(0.1 / 0.9), count: n), sh: sh)
    }
}

/// k-nearest-neighbour distances on a uniform grid: each query scans shells of cells outwards
/// and stops once the k-th best distance is within the scanned radius, so a cloud of n points
/// costs about O(n) instead of the O(n²) of all pairs.
struct NearestNeighbours {
    let points: [SIMD3<Float>]
    let origin: SIMD3<Float>
    let cell: Float
    let dimensions: SIMD3<Int32>
    /// Points sorted by cell; cell c's points are `order[starts[c]..<starts[c+1]]`.
    let starts: [Int32]
    let order: [Int32]

    init(points: [SIMD3<Float>]) {
        self.points = points
        let lower = points.reduce(points[0]) { pointwiseMin($0, $1) }
        let upper = points.reduce(points[0]) { pointwiseMax($0, $1) }
        let size = pointwiseMax(upper - lower, SIMD3(repeating: 1e-6))
        // About two points per cell.
        let volume = Double(size.x) * Double(size.y) * Double(size.z)
        let side = Float(max(cbrt(volume * 2 / Double(points.count)), Double(size.max()) / 256))
        cell = side
        origin = lower
        let dims = SIMD3<Int32>(
            Int32((size.x / side).rounded(.down)) + 1, Int32((size.y / side).rounded(.down)) + 1,
            Int32((size.z / side).rounded(.down)) + 1)
        dimensions = dims
        let cellCount = Int(dims.x) * Int(dims.y) * Int(dims.z)
        var starts = [Int32](repeating: 0, count: cellCount + 1)
        let cellOf = points.map { Self.cellIndex(Self.coordinates($0, origin: lower, cell: side, dimensions: dims), dims) }
        for c in cellOf { starts[c + 1] += 1 }
        for c in 0..<cellCount { starts[c + 1] += starts[c] }
        var cursor = starts
        var order = [Int32](repeating: 0, count: points.count)
        for (i, c) in cellOf.enumerated() {
            order[Int(cursor[c])] = Int32(i)
            cursor[c] += 1
        }
        self.starts = starts
        self.order = order
    }

    static func coordinates(_ p: SIMD3<Float>, origin: SIMD3<Float>, cell: Float, dimensions: SIMD3<Int32>) -> SIMD3<Int32> {
        let raw = (p - origin) / cell
        return pointwiseMin(pointwiseMax(SIMD3<Int32>(Int32(raw.x), Int32(raw.y), Int32(raw.z)), .zero), dimensions &- 1)
    }

    static func cellIndex(_ c: SIMD3<Int32>, _ dimensions: SIMD3<Int32>) -> Int {
        (Int(c.z) * Int(dimensions.y) + Int(c.y)) * Int(dimensions.x) + Int(c.x)
    }

    /// The mean squared distance from every point to its `k` nearest others (fewer when the
    /// cloud has fewer; 0 for a lone point).
    func meanSquaredDistances(k: Int) -> [Float] {
        points.indices.map { i in
            let p = points[i]
            let home = Self.coordinates(p, origin: origin, cell: cell, dimensions: dimensions)
            var best = [Float](repeating: .infinity, count: k)
            var shell: Int32 = 0
            while true {
                visitShell(around: home, shell: shell) { j in
                    guard j != i else { return }
                    let d = points[j] - p
                    let squared = (d * d).sum()
                    if squared < best[k - 1] {
                        var slot = k - 1
                        while slot > 0 && best[slot - 1] > squared { best[slot] = best[slot - 1]; slot -= 1 }
                        best[slot] = squared
                    }
                }
                // Every unvisited point is at least `shell` cells away.
                let reach = Float(shell) * cell
                let exhausted = shell > dimensions.max()
                if exhausted || best[k - 1] <= reach * reach { break }
                shell += 1
            }
            let found = best.filter(\.isFinite)
            return found.isEmpty ? 0 : found.reduce(0, +) / Float(found.count)
        }
    }

    /// Calls `body` for every point in the cells at Chebyshev distance exactly `shell` from `home`.
    private func visitShell(around home: SIMD3<Int32>, shell: Int32, _ body: (Int) -> Void) {
        let lower = pointwiseMax(home &- shell, .zero), upper = pointwiseMin(home &+ shell, dimensions &- 1)
        guard lower.x <= upper.x, lower.y <= upper.y, lower.z <= upper.z else { return }
        for z in lower.z...upper.z {
            for y in lower.y...upper.y {
                for x in lower.x...upper.x {
                    guard max(abs(x - home.x), abs(y - home.y), abs(z - home.z)) == shell else { continue }
                    let index = Self.cellIndex(SIMD3(x, y, z), dimensions)
                    for entry in Int(starts[index])..<Int(starts[index + 1]) { body(Int(order[entry])) }
                }
            }
        }
    }
}
