import SeededRandom

/// k-means on feature vectors: k-means++ seeding and Lloyd iterations, seeded and
/// deterministic (paper §IV-A, problem Q1).
///
/// No cluster is ever left empty: when an assignment step empties one, it is re-seeded with
/// the point farthest from its current centroid (taken from a cluster of size ≥ 2), which
/// strictly lowers the objective.
public struct KMeans: Sendable {
    /// Number of clusters k.
    public var clusterCount: Int
    /// Lloyd iterations at most (stops earlier when assignments stop changing).
    public var maxIterations: Int
    /// Seed of the k-means++ draws.
    public var seed: UInt64

    /// A clustering configuration.
    public init(clusterCount: Int, maxIterations: Int = 100, seed: UInt64 = 1) {
        self.clusterCount = clusterCount
        self.maxIterations = maxIterations
        self.seed = seed
    }

    /// The clustering of a set of points.
    public struct Clustering: Sendable, Equatable {
        /// Centroids, one per cluster.
        public var centroids: [[Float]]
        /// The cluster of each point.
        public var assignment: [Int]
        /// Lloyd iterations run.
        public var iterations: Int
        /// Σ‖y − c‖² over all points.
        public var inertia: Double

        /// For each cluster, the member nearest its centroid (eq. 16): actual members, one per
        /// cluster, distinct because clusters are disjoint.
        public func representatives(of points: [[Float]]) -> [Int] {
            var best = [Int](repeating: -1, count: centroids.count)
            var bestDistance = [Double](repeating: .infinity, count: centroids.count)
            for (index, cluster) in assignment.enumerated() {
                let d = KMeans.squaredDistance(points[index], centroids[cluster])
                if d < bestDistance[cluster] {
                    bestDistance[cluster] = d
                    best[cluster] = index
                }
            }
            return best
        }
    }

    /// Clusters `points` (all of one dimension). Throws when k is not in 1...points.count.
    public func fit(_ points: [[Float]]) throws -> Clustering {
        let n = points.count
        guard clusterCount >= 1, clusterCount <= n else {
            throw OptimizerError(.invalidInstance, "k-means: k = \(clusterCount) for \(n) points")
        }
        let dimension = points[0].count
        guard points.allSatisfy({ $0.count == dimension && $0.allSatisfy(\.isFinite) }) else {
            throw OptimizerError(.invalidInstance, "k-means: feature vectors must share one length and be finite")
        }
        var centroids = seedCentroids(points)
        var assignment = [Int](repeating: -1, count: n)
        var iterations = 0
        while iterations < maxIterations {
            iterations += 1
            var changed = false
            for i in 0..<n {
                let nearest = Self.nearest(points[i], centroids)
                if nearest != assignment[i] {
                    assignment[i] = nearest
                    changed = true
                }
            }
            Self.fillEmptyClusters(points, &assignment, centroids)
            centroids = Self.means(points, assignment, k: clusterCount, dimension: dimension)
            if !changed { break }
        }
        let inertia = (0..<n).reduce(0.0) { $0 + Self.squaredDistance(points[$1], centroids[assignment[$1]]) }
        return Clustering(centroids: centroids, assignment: assignment, iterations: iterations, inertia: inertia)
    }

    /// k-means++: the first centre uniformly, each next one with probability ∝ D(y)², the
    /// squared distance to the nearest centre chosen so far.
    func seedCentroids(_ points: [[Float]]) -> [[Float]] {
        var generator = SeededGenerator(seed: seed)
        var centres = [points[Int(generator.next() % UInt64(points.count))]]
        var distances = points.map { Self.squaredDistance($0, centres[0]) }
        while centres.count < clusterCount {
            let total = distances.reduce(0, +)
            var chosen = distances.lastIndex { $0 > 0 } ?? 0
            if total > 0 {
                var target = generator.nextUnit() * total
                for (i, d) in distances.enumerated() where d > 0 {
                    target -= d
                    if target < 0 { chosen = i; break }
                }
            }
            centres.append(points[chosen])
            for i in points.indices { distances[i] = min(distances[i], Self.squaredDistance(points[i], points[chosen])) }
        }
        return centres
    }

    /// Gives every empty cluster the point farthest from its centroid among clusters with at
    /// least two members (k ≤ n guarantees one exists while a cluster is empty).
    static func fillEmptyClusters(_ points: [[Float]], _ assignment: inout [Int], _ centroids: [[Float]]) {
        var sizes = [Int](repeating: 0, count: centroids.count)
        for cluster in assignment { sizes[cluster] += 1 }
        for empty in sizes.indices where sizes[empty] == 0 {
            var farthest = -1, farthestDistance = -1.0
            for (i, cluster) in assignment.enumerated() where sizes[cluster] > 1 {
                let d = squaredDistance(points[i], centroids[cluster])
                if d > farthestDistance { farthest = i; farthestDistance = d }
            }
            sizes[assignment[farthest]] -= 1
            assignment[farthest] = empty
            sizes[empty] = 1
        }
    }

    static func means(_ points: [[Float]], _ assignment: [Int], k: Int, dimension: Int) -> [[Float]] {
        var sums = [[Double]](repeating: [Double](repeating: 0, count: dimension), count: k)
        var counts = [Int](repeating: 0, count: k)
        for (i, cluster) in assignment.enumerated() {
            counts[cluster] += 1
            for d in 0..<dimension { sums[cluster][d] += Double(points[i][d]) }
        }
        return (0..<k).map { c in sums[c].map { Float($0 / Double(counts[c])) } }
    }

    static func nearest(_ point: [Float], _ centroids: [[Float]]) -> Int {
        var best = 0, bestDistance = Double.infinity
        for (c, centroid) in centroids.enumerated() {
            let d = squaredDistance(point, centroid)
            if d < bestDistance { best = c; bestDistance = d }
        }
        return best
    }

    static func squaredDistance(_ a: [Float], _ b: [Float]) -> Double {
        var sum: Float = 0
        for i in a.indices {
            let d = a[i] - b[i]
            sum += d * d
        }
        return Double(sum)
    }
}
