import Renderer
import SeededRandom

extension PointCloud {
    /// `count` centres of `scene` (a seeded choice without repetition) with Gaussian noise of
    /// standard deviation `noise` metres per axis and their view-independent (DC) colours — a
    /// stand-in for the structure-from-motion points a trainer starts from when the "photographs"
    /// are renders of a known scene.
    public static func sampled(from scene: GaussianScene, count: Int, noise: Double, using generator: inout SeededGenerator) throws -> PointCloud {
        guard count >= 1, scene.count >= 1 else { throw TrainingError(.invalidArgument, "need at least one point and a non-empty scene") }
        guard noise >= 0, noise.isFinite else { throw TrainingError(.invalidArgument, "point noise must be finite and ≥ 0, got \(noise)") }
        let chosen = (0..<scene.count).shuffled(using: &generator).prefix(count)
        var positions: [SIMD3<Float>] = [], colors: [SIMD3<Float>] = []
        for i in chosen {
            let g = scene[i]
            positions.append(
                g.position
                    + SIMD3(
                        Float(generator.nextGaussian() * noise), Float(generator.nextGaussian() * noise),
                        Float(generator.nextGaussian() * noise)))
            let dc = g.sh[0] * SphericalHarmonics.c0 + 0.5
            colors.append(SIMD3(min(max(dc.x, 0), 1), min(max(dc.y, 0), 1), min(max(dc.z, 0), 1)))
        }
        return try PointCloud(positions: positions, colors: colors)
    }
}
