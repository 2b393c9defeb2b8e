import Foundation
import SeededRandom

/// A surface texture: the base colour at a point given in the surface's own (u, v) metres or
/// in world coordinates.
enum SurfaceTexture: Sendable {
    case solid(SIMD3<Float>)
    case checker(SIMD3<Float>, SIMD3<Float>, cell: Float)
    case stripes(SIMD3<Float>, SIMD3<Float>, period: Float)
    case bricks(brick: SIMD3<Float>, mortar: SIMD3<Float>)
    case blotches(SIMD3<Float>, SIMD3<Float>, scale: Float)

    func color(u: Float, v: Float) -> SIMD3<Float> {
        switch self {
        case .solid(let c):
            return c
        case let .checker(a, b, cell):
            let parity = (Int((u / cell).rounded(.down)) + Int((v / cell).rounded(.down))) & 1
            return parity == 0 ? a : b
        case let .stripes(a, b, period):
            return Int((u / period).rounded(.down)) & 1 == 0 ? a : b
        case let .bricks(brick, mortar):
            let row = Int((v / 0.25).rounded(.down))
            let shifted = u / 0.5 + (row & 1 == 0 ? 0 : 0.5)
            let inMortar = v / 0.25 - Float(row) < 0.12 || shifted - shifted.rounded(.down) < 0.06
            return inMortar ? mortar : brick * (0.85 + 0.15 * Self.hash(row, Int(shifted.rounded(.down))))
        case let .blotches(a, b, scale):
            let t = 0.5 + 0.25 * (sin(u / scale * 2.1) * cos(v / scale * 1.7) + sin((u + v) / scale * 0.9))
            return a + (b - a) * min(max(t, 0), 1)
        }
    }

    /// A deterministic value in [0, 1) for an integer cell.
    static func hash(_ a: Int, _ b: Int) -> Float {
        var h = UInt64(bitPattern: Int64(a &* 73_856_093 ^ b &* 19_349_663))
        h = (h ^ (h >> 33)) &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        return Float(h % 10_000) / 10_000
    }
}

/// Writes flat surface Gaussians straight into structure-of-arrays storage.
struct SurfaceSampler {
    let shDegree: Int
    /// Gaussians per square metre.
    let density: Float
    var positions: [Float] = []
    var logScales: [Float] = []
    var rotations: [Float] = []
    var opacityLogits: [Float] = []
    var sh: [Float] = []

    init(shDegree: Int, density: Float) {
        self.shDegree = shDegree
        self.density = density
    }

    var scene: GaussianScene {
        GaussianScene(
            unchecked: shDegree, positions: positions, logScales: logScales, rotations: rotations,
            opacityLogits: opacityLogits, sh: sh)
    }

    /// One disc-like Gaussian at `p` spanning tangent `t` and bitangent `b` with normal `n`.
    mutating func splat(
        at p: SIMD3<Float>, tangent t: SIMD3<Float>, bitangent b: SIMD3<Float>, normal n: SIMD3<Float>,
        color: SIMD3<Float>, rng: inout SeededGenerator
    ) {
        let spacing = 1 / density.squareRoot()
        let inPlane = log(0.5 * spacing * Float(0.85 + 0.3 * rng.nextUnit()))
        // Element-wise appends: array literals here would allocate per Gaussian.
        Self.append(p, to: &positions)
        Self.append(SIMD3(inPlane, inPlane + log(Float(0.7 + 0.6 * rng.nextUnit())), inPlane + log(0.08)), to: &logScales)
        let q = Self.quaternion(columns: (t, b, n))
        Self.append(SIMD3(q.x, q.y, q.z), to: &rotations)
        rotations.append(q.w)
        opacityLogits.append(Float(3 + 0.5 * rng.nextGaussian()))
        let jittered = color * Float(0.93 + 0.14 * rng.nextUnit())
        Self.append(SphericalHarmonics.dcCoefficient(forColor: jittered), to: &sh)
        // Mild view dependence (a sheen) in the higher bands.
        for _ in 0..<(3 * ((shDegree + 1) * (shDegree + 1) - 1)) { sh.append(Float(rng.nextGaussian() * 0.04)) }
    }

    private static func append(_ v: SIMD3<Float>, to array: inout [Float]) {
        array.append(v.x)
        array.append(v.y)
        array.append(v.z)
    }

    /// Covers the parallelogram `origin + a·u + b·v` (a ∈ [0, |u|], b ∈ [0, |v|]) on a jittered grid.
    mutating func quad(origin: SIMD3<Float>, u: SIMD3<Float>, v: SIMD3<Float>, texture: SurfaceTexture, rng: inout SeededGenerator) {
        let (lu, lv) = (length(u), length(v))
        let count = max(1, Int((lu * lv * density).rounded()))
        let columns = max(1, Int((Float(count) * lu / lv).squareRoot().rounded()))
        let rows = max(1, (count + columns - 1) / columns)
        let (tu, tv) = (u / lu, v / lv)
        let normal = normalize(cross(tu, tv))
        for r in 0..<rows {
            for c in 0..<columns {
                let a = (Float(c) + Float(rng.nextUnit())) / Float(columns)
                let b = (Float(r) + Float(rng.nextUnit())) / Float(rows)
                splat(
                    at: origin + a * u + b * v, tangent: tu, bitangent: tv, normal: normal,
                    color: texture.color(u: a * lu, v: b * lv), rng: &rng)
            }
        }
    }

    /// An axis-aligned box resting on z = `base.z`, its five visible faces (no bottom).
    mutating func box(center: SIMD3<Float>, size: SIMD3<Float>, texture: SurfaceTexture, rng: inout SeededGenerator) {
        let lo = center - size / 2
        let (x, y, z) = (SIMD3<Float>(size.x, 0, 0), SIMD3<Float>(0, size.y, 0), SIMD3<Float>(0, 0, size.z))
        quad(origin: lo + z, u: x, v: y, texture: texture, rng: &rng)  // top
        quad(origin: lo, u: z, v: x, texture: texture, rng: &rng)  // −y face
        quad(origin: lo + y, u: x, v: z, texture: texture, rng: &rng)  // +y face
        quad(origin: lo, u: y, v: z, texture: texture, rng: &rng)  // −x face
        quad(origin: lo + x, u: z, v: y, texture: texture, rng: &rng)  // +x face
    }

    /// A sphere on a Fibonacci lattice.
    mutating func sphere(center: SIMD3<Float>, radius: Float, texture: SurfaceTexture, rng: inout SeededGenerator) {
        let count = max(8, Int((4 * Float.pi * radius * radius * density).rounded()))
        for i in 0..<count {
            let z = 1 - (2 * Float(i) + 1) / Float(count)
            let ring = (1 - z * z).squareRoot()
            let phi = Float(i) * Float.pi * (3 - Float(5).squareRoot())
            let n = SIMD3(ring * cos(phi), ring * sin(phi), z)
            let t = normalize(abs(n.z) < 0.9 ? cross(SIMD3(0, 0, 1), n) : cross(SIMD3(1, 0, 0), n))
            splat(
                at: center + radius * n, tangent: t, bitangent: cross(n, t), normal: n,
                color: texture.color(u: phi.truncatingRemainder(dividingBy: 2 * .pi) * radius, v: z * radius), rng: &rng)
        }
    }

    /// A vertical cylinder standing on `base` with its top cap.
    mutating func cylinder(base: SIMD3<Float>, radius: Float, height: Float, texture: SurfaceTexture, rng: inout SeededGenerator) {
        let around = 2 * Float.pi * radius
        let count = max(8, Int((around * height * density).rounded()))
        let columns = max(6, Int((Float(count) * around / height).squareRoot().rounded()))
        let rows = max(1, (count + columns - 1) / columns)
        for r in 0..<rows {
            for c in 0..<columns {
                let angle = (Float(c) + Float(rng.nextUnit())) / Float(columns) * 2 * .pi
                let h = (Float(r) + Float(rng.nextUnit())) / Float(rows) * height
                let n = SIMD3(cos(angle), sin(angle), 0)
                splat(
                    at: base + radius * n + SIMD3(0, 0, h), tangent: SIMD3(-n.y, n.x, 0), bitangent: SIMD3(0, 0, 1), normal: n,
                    color: texture.color(u: angle * radius, v: h), rng: &rng)
            }
        }
        let capCount = max(4, Int((Float.pi * radius * radius * density).rounded()))
        for i in 0..<capCount {
            let rr = radius * (Float(i) + 0.5).squareRoot() / Float(capCount).squareRoot()
            let angle = Float(i) * Float.pi * (3 - Float(5).squareRoot())
            splat(
                at: base + SIMD3(rr * cos(angle), rr * sin(angle), height), tangent: SIMD3(1, 0, 0), bitangent: SIMD3(0, 1, 0),
                normal: SIMD3(0, 0, 1), color: texture.color(u: rr * cos(angle), v: rr * sin(angle)), rng: &rng)
        }
    }

    /// The unit quaternion (w, x, y, z) of the rotation whose matrix has the given columns.
    static func quaternion(columns: (SIMD3<Float>, SIMD3<Float>, SIMD3<Float>)) -> SIMD4<Float> {
        let (c0, c1, c2) = columns
        let (m00, m11, m22) = (c0.x, c1.y, c2.z)
        let trace = m00 + m11 + m22
        var q: SIMD4<Float>
        if trace > 0 {
            let s = (trace + 1).squareRoot() * 2
            q = SIMD4(0.25 * s, (c1.z - c2.y) / s, (c2.x - c0.z) / s, (c0.y - c1.x) / s)
        } else if m00 > m11, m00 > m22 {
            let s = (1 + m00 - m11 - m22).squareRoot() * 2
            q = SIMD4((c1.z - c2.y) / s, 0.25 * s, (c1.x + c0.y) / s, (c2.x + c0.z) / s)
        } else if m11 > m22 {
            let s = (1 + m11 - m00 - m22).squareRoot() * 2
            q = SIMD4((c2.x - c0.z) / s, (c1.x + c0.y) / s, 0.25 * s, (c2.y + c1.z) / s)
        } else {
            let s = (1 + m22 - m00 - m11).squareRoot() * 2
            q = SIMD4((c0.y - c1.x) / s, (c2.x + c0.z) / s, (c2.y + c1.z) / s, 0.25 * s)
        }
        return q / (q * q).sum().squareRoot()
    }
}

func length(_ v: SIMD3<Float>) -> Float { (v * v).sum().squareRoot() }
func normalize(_ v: SIMD3<Float>) -> SIMD3<Float> { v / length(v) }
func cross(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> SIMD3<Float> { Camera.cross(a, b) }
