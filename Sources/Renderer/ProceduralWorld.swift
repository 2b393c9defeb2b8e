import Foundation
import SeededRandom

/// A deterministic indoor world of flat surface Gaussians — floor, four textured walls, pillars,
/// crates, balls, a table — that needs no data.
///
/// It comes in two versions: the GS **memory** (``memoryScene``, what the edge's model knows)
/// and **reality** (``realityScene(atTime:)``, what a camera actually sees), which differs only in
/// known places: a lamp dims and pulses the north-east corner, one crate and one ball are gone,
/// a cart and a bin were added, and a person-sized walker and a rolling ball move. Views of the
/// unchanged west half therefore render identically from both, while views of the changed
/// places do not (the papers' "pain points"). A separate ``virtualScene`` holds floating
/// virtual objects for mixed-reality composition (see ``MixedReality``).
///
/// Coordinates: metres, z up, the room spans x ∈ [−10, 10], y ∈ [−7, 7], z ∈ [0, 3].
public struct ProceduralWorld: Sendable {
    /// What to generate.
    public struct Configuration: Sendable, Equatable {
        /// Approximate Gaussian count of the memory scene (50k–1M is typical).
        public var gaussianCount: Int
        /// SH degree of every scene, 0…3.
        public var shDegree: Int

        /// A configuration; counts are clamped to at least 1000 and degrees to 0…3.
        public init(gaussianCount: Int = 200_000, shDegree: Int = 3) {
            self.gaussianCount = max(1000, gaussianCount)
            self.shDegree = min(3, max(0, shDegree))
        }
    }

    /// The seed everything derives from.
    public let seed: UInt64
    /// The generation settings.
    public let configuration: Configuration
    /// The GS memory: the world as the edge's model knows it.
    public let memoryScene: GaussianScene
    /// Floating virtual objects, rendered as the virtual layer of the MR frame.
    public let virtualScene: GaussianScene
    /// Half extents of the room floor (x, y) and wall height.
    public static let roomHalfSize = SIMD2<Float>(10, 7)
    public static let wallHeight: Float = 3
    /// Centre and radius of the lamp whose light changes in reality.
    public static let lampCenter = SIMD3<Float>(7.5, 5, 1.5)
    public static let lampRadius: Float = 4.5

    private let unchanged: GaussianScene
    private let removed: GaussianScene
    private let added: GaussianScene
    private let walker: GaussianScene
    private let rollingBall: GaussianScene
    /// Indices in `unchanged` lit by the lamp.
    private let litIndices: [Int]

    /// Generates the world for `seed`; the same seed and configuration always give the same scenes.
    public init(seed: UInt64, configuration: Configuration = Configuration()) {
        self.seed = seed
        self.configuration = configuration
        // Density so that the memory's surfaces (≈ 560 m²) hold about `gaussianCount` Gaussians.
        let density = Float(configuration.gaussianCount) / Self.memorySurfaceArea
        func build(_ stream: UInt64, _ body: (inout SurfaceSampler, inout SeededGenerator) -> Void) -> GaussianScene {
            var sampler = SurfaceSampler(shDegree: configuration.shDegree, density: density)
            var rng = SeededGenerator(seed: seed, stream: stream, index: 0)
            body(&sampler, &rng)
            return sampler.scene
        }
        var palette = SeededGenerator(seed: seed, stream: 99, index: 0)
        let tint = SIMD3<Float>((0..<3).map { _ in Float(0.85 + 0.3 * palette.nextUnit()) })
        let room = build(1) { s, rng in Self.buildRoom(&s, &rng, tint: tint) }
        unchanged = room
        removed = build(2) { s, rng in
            s.box(
                center: SIMD3(4, -4, 0.4), size: SIMD3(0.8, 0.8, 0.8), texture: .stripes(SIMD3(0.6, 0.4, 0.2), SIMD3(0.5, 0.32, 0.15), period: 0.1),
                rng: &rng)
            s.sphere(center: SIMD3(-2, 3.5, 0.35), radius: 0.35, texture: .blotches(SIMD3(0.9, 0.1, 0.1), SIMD3(1, 0.9, 0.2), scale: 0.1), rng: &rng)
        }
        added = build(3) { s, rng in
            s.box(
                center: SIMD3(6, -1.5, 0.5), size: SIMD3(1.2, 0.7, 1.0), texture: .checker(SIMD3(0.1, 0.3, 0.8), SIMD3(0.9, 0.9, 0.9), cell: 0.2),
                rng: &rng)
            s.cylinder(base: SIMD3(-7.5, -5.5, 0), radius: 0.3, height: 0.9, texture: .solid(SIMD3(0.1, 0.6, 0.2)), rng: &rng)
        }
        // Moving bodies are modelled around the origin and placed per time step.
        walker = build(4) { s, rng in
            s.cylinder(base: .zero, radius: 0.25, height: 1.4, texture: .stripes(SIMD3(0.9, 0.5, 0.1), SIMD3(0.2, 0.2, 0.3), period: 0.2), rng: &rng)
            s.sphere(center: SIMD3(0, 0, 1.6), radius: 0.2, texture: .solid(SIMD3(0.95, 0.8, 0.65)), rng: &rng)
        }
        rollingBall = build(5) { s, rng in
            s.sphere(center: SIMD3(0, 0, 0.3), radius: 0.3, texture: .checker(SIMD3(1, 1, 1), SIMD3(0.1, 0.1, 0.1), cell: 0.15), rng: &rng)
        }
        virtualScene = build(6) { s, rng in
            s.box(center: SIMD3(0, 0, 1.4), size: SIMD3(0.6, 0.6, 0.6), texture: .solid(SIMD3(0.1, 0.95, 0.95)), rng: &rng)
            s.sphere(center: SIMD3(-5, -2, 1.6), radius: 0.4, texture: .solid(SIMD3(1, 0.2, 0.9)), rng: &rng)
            s.quad(
                origin: SIMD3(3, 6.5, 1.2), u: SIMD3(1.6, 0, 0), v: SIMD3(0, 0, 0.9),
                texture: .checker(SIMD3(1, 0.9, 0.1), SIMD3(0.9, 0.5, 0), cell: 0.3), rng: &rng)
        }
        var memory = room
        memory.appendSameDegree(removed)
        memoryScene = memory
        litIndices = (0..<room.count).filter { i in
            let p = SIMD3(room.positions[3 * i], room.positions[3 * i + 1], room.positions[3 * i + 2])
            return length(p - Self.lampCenter) < Self.lampRadius
        }
    }

    /// What a real camera sees at time `t` (seconds): the memory minus removed items, plus added
    /// and moving items, with the lamp's light factor applied in its region.
    public func realityScene(atTime t: Double) -> GaussianScene {
        var scene = unchanged
        scene.scaleColors(at: litIndices, by: Self.lampFactor(atTime: t))
        scene.appendSameDegree(added)
        // The walker circles the east side once every 40 s, facing its direction of travel.
        let walkerAngle = Float(2 * Double.pi * t / 40)
        scene.appendSameDegree(
            walker.rigidlyMoved(
                rotationZ: walkerAngle + .pi / 2, translation: SIMD3(5 + 2.5 * cos(walkerAngle), -2.5 + 2.5 * sin(walkerAngle), 0)))
        // The ball rolls back and forth along the south wall (period 16 s).
        let ballX = Float(-6 + 4 * sin(2 * Double.pi * t / 16))
        scene.appendSameDegree(rollingBall.rigidlyMoved(rotationZ: ballX / 0.3, translation: SIMD3(ballX, -5.5, 0)))
        return scene
    }

    /// The lamp's brightness factor in reality (memory corresponds to 1): dimmed and pulsing.
    public static func lampFactor(atTime t: Double) -> Float {
        Float(0.6 + 0.2 * sin(2 * Double.pi * t / 30))
    }

    /// The memory's total surface area in square metres, used to set the density.
    static let memorySurfaceArea: Float = 560

    private static func buildRoom(_ s: inout SurfaceSampler, _ rng: inout SeededGenerator, tint: SIMD3<Float>) {
        let (hx, hy, h) = (roomHalfSize.x, roomHalfSize.y, wallHeight)
        s.quad(
            origin: SIMD3(-hx, -hy, 0), u: SIMD3(2 * hx, 0, 0), v: SIMD3(0, 2 * hy, 0),
            texture: .checker(SIMD3(0.75, 0.7, 0.6) * tint, SIMD3(0.45, 0.38, 0.3) * tint, cell: 1), rng: &rng)
        s.quad(
            origin: SIMD3(-hx, hy, 0), u: SIMD3(2 * hx, 0, 0), v: SIMD3(0, 0, h),
            texture: .bricks(brick: SIMD3(0.7, 0.3, 0.2), mortar: SIMD3(0.85, 0.85, 0.8)), rng: &rng)
        s.quad(
            origin: SIMD3(-hx, -hy, 0), u: SIMD3(2 * hx, 0, 0), v: SIMD3(0, 0, h),
            texture: .stripes(SIMD3(0.3, 0.5, 0.7), SIMD3(0.85, 0.9, 0.95), period: 0.5), rng: &rng)
        s.quad(
            origin: SIMD3(hx, -hy, 0), u: SIMD3(0, 2 * hy, 0), v: SIMD3(0, 0, h),
            texture: .blotches(SIMD3(0.3, 0.6, 0.3), SIMD3(0.8, 0.85, 0.5), scale: 0.4), rng: &rng)
        s.quad(
            origin: SIMD3(-hx, -hy, 0), u: SIMD3(0, 2 * hy, 0), v: SIMD3(0, 0, h),
            texture: .checker(SIMD3(0.9, 0.88, 0.8), SIMD3(0.6, 0.2, 0.5), cell: 0.75), rng: &rng)
        for x: Float in [-4, 2] {
            s.cylinder(
                base: SIMD3(x, 0, 0), radius: 0.35, height: h, texture: .stripes(SIMD3(0.8, 0.8, 0.82), SIMD3(0.5, 0.5, 0.55), period: 0.3), rng: &rng
            )
        }
        let crate = SurfaceTexture.stripes(SIMD3(0.6, 0.42, 0.22), SIMD3(0.5, 0.33, 0.16), period: 0.12)
        s.box(center: SIMD3(-7, 4, 0.5), size: SIMD3(1, 1, 1), texture: crate, rng: &rng)
        s.box(center: SIMD3(-6, 4.2, 0.35), size: SIMD3(0.7, 0.7, 0.7), texture: crate, rng: &rng)
        s.box(center: SIMD3(7.5, 4.5, 0.45), size: SIMD3(0.9, 0.9, 0.9), texture: crate, rng: &rng)
        // A table: top and four legs.
        s.box(
            center: SIMD3(-1, -3, 0.74), size: SIMD3(1.6, 0.9, 0.06), texture: .blotches(SIMD3(0.4, 0.25, 0.12), SIMD3(0.55, 0.35, 0.2), scale: 0.05),
            rng: &rng)
        for (dx, dy): (Float, Float) in [(-0.7, -0.35), (0.7, -0.35), (-0.7, 0.35), (0.7, 0.35)] {
            s.box(center: SIMD3(-1 + dx, -3 + dy, 0.355), size: SIMD3(0.06, 0.06, 0.71), texture: .solid(SIMD3(0.3, 0.2, 0.1)), rng: &rng)
        }
        s.sphere(center: SIMD3(-1, -3, 1.0), radius: 0.2, texture: .blotches(SIMD3(0.1, 0.2, 0.9), SIMD3(0.2, 0.8, 0.9), scale: 0.05), rng: &rng)
        s.sphere(center: SIMD3(8, -5, 0.5), radius: 0.5, texture: .blotches(SIMD3(0.9, 0.9, 0.2), SIMD3(0.9, 0.4, 0.1), scale: 0.1), rng: &rng)
    }
}

extension GaussianScene {
    /// Multiplies the view-independent and view-dependent colour of the given Gaussians by
    /// `factor` (the +0.5 offset is part of the colour, so the DC term is adjusted for it).
    mutating func scaleColors(at indices: [Int], by factor: Float) {
        let k = coefficientsPerChannel
        let offsetShift = (factor - 1) * 0.5 / SphericalHarmonics.c0
        for i in indices {
            for j in 0..<(3 * k) { sh[3 * k * i + j] *= factor }
            for c in 0..<3 { sh[3 * k * i + c] += offsetShift }
        }
    }

    /// The scene rotated about the world z axis by `angle` and then translated. View-dependent
    /// SH terms are not rotated (the generator's are small, random sheen).
    func rigidlyMoved(rotationZ angle: Float, translation: SIMD3<Float>) -> GaussianScene {
        var moved = self
        let (c, s) = (cos(angle), sin(angle))
        let (qw, qz) = (cos(angle / 2), sin(angle / 2))
        for i in 0..<count {
            let (x, y) = (positions[3 * i], positions[3 * i + 1])
            moved.positions[3 * i] = c * x - s * y + translation.x
            moved.positions[3 * i + 1] = s * x + c * y + translation.y
            moved.positions[3 * i + 2] += translation.z
            // q' = (cos θ/2, 0, 0, sin θ/2) ⊗ q.
            let (w, a, b, d) = (rotations[4 * i], rotations[4 * i + 1], rotations[4 * i + 2], rotations[4 * i + 3])
            moved.rotations[4 * i] = qw * w - qz * d
            moved.rotations[4 * i + 1] = qw * a - qz * b
            moved.rotations[4 * i + 2] = qw * b + qz * a
            moved.rotations[4 * i + 3] = qw * d + qz * w
        }
        return moved
    }
}
