import Foundation
import Renderer
import SeededRandom

/// Small random scenes shared by the tests.
enum TestScenes {
    /// `count` Gaussians scattered in front of a camera at the origin looking down +z.
    static func random(count: Int, shDegree: Int, seed: UInt64, depth: ClosedRange<Double> = 1.5...6) -> GaussianScene {
        var rng = SeededGenerator(seed: seed)
        let k = (shDegree + 1) * (shDegree + 1)
        var gaussians: [Gaussian] = []
        for _ in 0..<count {
            let z = rng.nextUniform(in: depth.lowerBound..<depth.upperBound)
            let position = SIMD3<Float>(Float(rng.nextUniform(in: -0.6..<0.6) * z), Float(rng.nextUniform(in: -0.5..<0.5) * z), Float(z))
            let logScale = SIMD3<Float>((0..<3).map { _ in Float(rng.nextUniform(in: -4.0..<(-1.5))) })
            let rotation = SIMD4<Float>((0..<4).map { _ in Float(rng.nextGaussian()) })
            let sh = (0..<k).map { j in SIMD3<Float>((0..<3).map { _ in Float(rng.nextGaussian() * (j == 0 ? 1.0 : 0.3)) }) }
            gaussians.append(
                Gaussian(
                    position: position, logScale: logScale, rotation: rotation,
                    opacityLogit: Float(rng.nextGaussian() * 2 + 0.5), sh: sh))
        }
        return try! GaussianScene(shDegree: shDegree, gaussians: gaussians)
    }

    /// Little-endian bytes of a header plus float rows, assembled by hand (independent of the writer).
    static func plyBytes(
        format: String = "binary_little_endian", properties: [String], rows: [[Float]],
        extraHeader: String = "", declaredCount: Int? = nil
    ) -> Data {
        var header = "ply\nformat \(format) 1.0\ncomment made by hand\n\(extraHeader)element vertex \(declaredCount ?? rows.count)\n"
        for name in properties { header += "property float \(name)\n" }
        header += "end_header\n"
        var data = Data(header.utf8)
        for row in rows {
            for value in row {
                let bits = format == "binary_big_endian" ? value.bitPattern.bigEndian : value.bitPattern.littleEndian
                withUnsafeBytes(of: bits) { data.append(contentsOf: $0) }
            }
        }
        return data
    }
}
