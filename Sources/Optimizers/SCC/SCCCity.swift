import Foundation
import SeededRandom

/// A synthetic metropolitan network of cells standing in for the paper's OpenCellID datasets
/// (§IV-A), which cannot be fetched offline. Cells are a mixture of Gaussian clusters and a
/// uniform background in a rectangle; the whole city is then scaled so that the median
/// inter-cell distance equals the dataset's. The shapes were calibrated so that the range
/// matches too (measured figures in docs/SCC.md):
/// - California: 500 cells, 18 m – 65.2 km, median 7 km — one dense core with 10 % of cells in
///   a wide 2:1 background (max/median ≈ 9);
/// - Virginia: 1600 cells, 14 m – 168.6 km, median 48.4 km — six towns spread over the state with
///   half the cells in between (max/median ≈ 3.5).
public enum SCCCity: String, CaseIterable, Sendable, Codable {
    case california, virginia

    /// Shape parameters of the mixture, in units of the core cluster's spread.
    struct Shape {
        var cells: Int
        var clusters: Int
        var clusterSpread: Double
        var backgroundShare: Double
        var width: Double
        var height: Double
        /// Whether cluster centres are drawn over the whole rectangle (else all at its centre).
        var spreadCentres: Bool
        var medianKm: Double
    }

    var shape: Shape {
        switch self {
        case .california:
            Shape(
                cells: 500, clusters: 1, clusterSpread: 1, backgroundShare: 0.1, width: 18, height: 9,
                spreadCentres: false, medianKm: 7)
        case .virginia:
            Shape(
                cells: 1600, clusters: 6, clusterSpread: 0.1, backgroundShare: 0.5, width: 1, height: 0.4,
                spreadCentres: true, medianKm: 48.4)
        }
    }

    /// The paper's reported (minimum, median, maximum) inter-cell distance in km.
    public var paperDistancesKm: (min: Double, median: Double, max: Double) {
        switch self {
        case .california: (0.018, 7, 65.2)
        case .virginia: (0.014, 48.4, 168.6)
        }
    }

    /// The cells' planar positions in km, seeded.
    public func cells(seed: UInt64) -> [(x: Double, y: Double)] {
        let shape = self.shape
        var generator = SeededGenerator(seed: seed)
        let centres = (0..<shape.clusters).map { _ -> (Double, Double) in
            shape.spreadCentres
                ? (generator.nextUniform(in: 0..<shape.width), generator.nextUniform(in: 0..<shape.height))
                : (shape.width / 2, shape.height / 2)
        }
        var points: [(x: Double, y: Double)] = []
        for _ in 0..<shape.cells {
            if generator.nextUnit() < shape.backgroundShare {
                points.append((generator.nextUniform(in: 0..<shape.width), generator.nextUniform(in: 0..<shape.height)))
            } else {
                let centre = centres[Int.random(in: 0..<centres.count, using: &generator)]
                points.append(
                    (
                        centre.0 + shape.clusterSpread * generator.nextGaussian(),
                        centre.1 + shape.clusterSpread * generator.nextGaussian()
                    ))
            }
        }
        let scale = shape.medianKm / Self.distances(points).median
        return points.map { ($0.x * scale, $0.y * scale) }
    }

    /// Summary of all pairwise distances of `points`.
    public static func distances(_ points: [(x: Double, y: Double)]) -> (min: Double, median: Double, max: Double, mean: Double) {
        var all: [Double] = []
        all.reserveCapacity(points.count * (points.count - 1) / 2)
        for i in points.indices {
            for j in (i + 1)..<max(i + 1, points.count) {
                all.append(hypot(points[i].x - points[j].x, points[i].y - points[j].y))
            }
        }
        guard !all.isEmpty else { return (0, 0, 0, 0) }
        all.sort()
        let median = all.count % 2 == 1 ? all[all.count / 2] : (all[all.count / 2 - 1] + all[all.count / 2]) / 2
        return (all.first!, median, all.last!, all.reduce(0, +) / Double(all.count))
    }
}
