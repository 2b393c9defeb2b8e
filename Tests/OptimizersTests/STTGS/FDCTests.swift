import Foundation
import Optimizers
import SeededRandom
import Testing

@Suite struct FDCTests {
    /// Points around `centres` blobs, with many exact duplicates (a stationary robot).
    static func blobs(count: Int, centres: Int, dimension: Int, seed: UInt64) -> [[Float]] {
        var generator = SeededGenerator(seed: seed)
        let means = (0..<centres).map { _ in (0..<dimension).map { _ in Float(generator.nextUnit()) } }
        return (0..<count).map { i in
            let mean = means[i % centres]
            return i % 5 == 0 ? mean : mean.map { $0 + Float(0.02 * generator.nextGaussian()) }
        }
    }

    @Test func deterministicForASeed() throws {
        let points = Self.blobs(count: 120, centres: 6, dimension: 5, seed: 1)
        let a = try KMeans(clusterCount: 12, seed: 9).fit(points)
        let b = try KMeans(clusterCount: 12, seed: 9).fit(points)
        #expect(a == b)
        #expect(
            try PilotSampling.fdc.pilots(features: points, ratio: 0.1, seed: 3)
                == PilotSampling.fdc.pilots(features: points, ratio: 0.1, seed: 3))
        #expect(
            try PilotSampling.random.pilots(features: points, ratio: 0.1, seed: 3)
                == PilotSampling.random.pilots(features: points, ratio: 0.1, seed: 3))
    }

    @Test(arguments: [1, 3, 17, 40, 60])
    func neverLeavesAClusterEmptyAndPicksMembers(k: Int) throws {
        // Heavy duplication: only 4 distinct locations for up to 60 clusters.
        var points = Self.blobs(count: 60, centres: 4, dimension: 3, seed: 2)
        for i in points.indices where i % 2 == 0 { points[i] = points[0] }
        let clustering = try KMeans(clusterCount: k, seed: 4).fit(points)
        var sizes = [Int](repeating: 0, count: k)
        for cluster in clustering.assignment { sizes[cluster] += 1 }
        #expect(sizes.allSatisfy { $0 > 0 })
        let pilots = clustering.representatives(of: points)
        #expect(Set(pilots).count == k)
        for (cluster, pilot) in pilots.enumerated() {
            #expect(clustering.assignment[pilot] == cluster)
            // Nearest member of its own cluster (brute force).
            let distance = zip(points[pilot], clustering.centroids[cluster]).reduce(Float(0)) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            for (i, p) in points.enumerated() where clustering.assignment[i] == cluster {
                let d = zip(p, clustering.centroids[cluster]).reduce(Float(0)) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                #expect(distance <= d)
            }
        }
    }

    @Test func lloydDoesNotIncreaseInertiaOverSeeding() throws {
        let points = Self.blobs(count: 200, centres: 8, dimension: 4, seed: 5)
        let fitted = try KMeans(clusterCount: 8, seed: 1).fit(points)
        let seedOnly = try KMeans(clusterCount: 8, maxIterations: 1, seed: 1).fit(points)
        #expect(fitted.inertia <= seedOnly.inertia + 1e-9)
    }

    @Test func baselinesAndCounts() throws {
        #expect(PilotSampling.pilotCount(ratio: 0.1, images: 100) == 10)
        #expect(PilotSampling.pilotCount(ratio: 0.1, images: 101) == 11)
        #expect(PilotSampling.pilotCount(ratio: 0.02, images: 10) == 1)
        let points = Self.blobs(count: 50, centres: 3, dimension: 2, seed: 6)
        #expect(try PilotSampling.uniform.pilots(features: points, ratio: 0.1, seed: 0) == [0, 10, 20, 30, 40])
        let random = try PilotSampling.random.pilots(features: points, ratio: 0.2, seed: 8)
        #expect(random.count == 10 && Set(random).count == 10 && random.allSatisfy { (0..<50).contains($0) })
        #expect(throws: OptimizerError.self) { try PilotSampling.fdc.pilots(features: [], ratio: 0.1, seed: 0) }
        #expect(throws: OptimizerError.self) { try KMeans(clusterCount: 3).fit([[0, 1], [1]]) }
    }

    struct TableLoss: PerImageLossSource {
        let losses: [[Double]]
        func loss(client: Int, image: Int) -> Double { losses[client][image] }
    }

    @Test func lossPredictionScalesTheMeanPilotLoss() {
        let source = TableLoss(losses: [[0.1, 0.2, 0.3, 0.4]])
        #expect(abs(LossPrediction.meanPilotLoss(client: 0, pilots: [1, 3], source: source) - 0.3) < 1e-15)
        #expect(abs(LossPrediction.predictedDatasetLoss(client: 0, images: 4, pilots: [1, 3], source: source) - 1.2) < 1e-12)
        #expect(abs(LossPrediction.trueDatasetLoss(client: 0, images: 4, source: source) - 1.0) < 1e-12)
    }
}
