/// Bi-objective Pareto tools shared by every SCC solver and the metrics: non-dominated sorting
/// and crowding (NSGA-II, Deb et al. 2002), non-dominated filtering, and the normalised
/// hypervolume of the paper's eq. (35).
public enum Pareto {
    /// Indices of the points no other point dominates. Points with equal objectives are kept
    /// once (the first), so a front is a set of distinct objective vectors.
    public static func nonDominatedIndices(_ points: [SCCObjectives]) -> [Int] {
        // Sort by T then E: a point is non-dominated iff its E is below every earlier E.
        let order = points.indices.sorted {
            (points[$0].latency, points[$0].energy) < (points[$1].latency, points[$1].energy)
        }
        var kept: [Int] = []
        var bestEnergy = Double.infinity
        for index in order where points[index].energy < bestEnergy {
            kept.append(index)
            bestEnergy = points[index].energy
        }
        return kept
    }

    /// Fast non-dominated sorting (Deb et al. 2002, §III-A): the fronts F1, F2, … as index
    /// lists; F1 is non-dominated, F2 is non-dominated once F1 is removed, and so on. Equal
    /// points share a front.
    public static func fronts(_ points: [SCCObjectives]) -> [[Int]] {
        let n = points.count
        var dominatedBy = [[Int]](repeating: [], count: n)
        var dominationCount = [Int](repeating: 0, count: n)
        var current: [Int] = []
        for p in 0..<n {
            for q in 0..<n where q != p {
                if points[p].dominates(points[q]) {
                    dominatedBy[p].append(q)
                } else if points[q].dominates(points[p]) {
                    dominationCount[p] += 1
                }
            }
            if dominationCount[p] == 0 { current.append(p) }
        }
        var result: [[Int]] = []
        while !current.isEmpty {
            result.append(current)
            var next: [Int] = []
            for p in current {
                for q in dominatedBy[p] {
                    dominationCount[q] -= 1
                    if dominationCount[q] == 0 { next.append(q) }
                }
            }
            current = next
        }
        return result
    }

    /// Crowding distance of every member of one front (Deb et al. 2002, §III-B): the two
    /// extremes of each objective get +∞; the others the sum over objectives of the gap between
    /// their neighbours, normalised by the objective's range over the front.
    public static func crowdingDistances(_ points: [SCCObjectives], front: [Int]) -> [Double] {
        var distance = [Double](repeating: 0, count: front.count)
        guard front.count > 2 else { return distance.map { _ in .infinity } }
        for objective in [\SCCObjectives.latency, \SCCObjectives.energy] {
            let order = front.indices.sorted { points[front[$0]][keyPath: objective] < points[front[$1]][keyPath: objective] }
            let low = points[front[order.first!]][keyPath: objective]
            let high = points[front[order.last!]][keyPath: objective]
            distance[order.first!] = .infinity
            distance[order.last!] = .infinity
            guard high > low else { continue }
            for k in 1..<(order.count - 1) {
                let gap = points[front[order[k + 1]]][keyPath: objective] - points[front[order[k - 1]]][keyPath: objective]
                distance[order[k]] += gap / (high - low)
            }
        }
        return distance
    }

    /// Normalised hypervolume (paper eq. 35): the area of [0, 1]² dominated by the points after
    /// dividing T by T_ref and E by E_ref; points outside the reference box add nothing.
    public static func normalisedHypervolume(_ points: [SCCObjectives], reference: SCCObjectives) -> Double {
        let scaled = points.map { SCCObjectives(latency: $0.latency / reference.latency, energy: $0.energy / reference.energy) }
            .filter { $0.latency < 1 && $0.energy < 1 }
        let front = nonDominatedIndices(scaled).map { scaled[$0] }  // ascending T, descending E
        var area = 0.0
        for (k, point) in front.enumerated() {
            let nextLatency = k + 1 < front.count ? front[k + 1].latency : 1
            area += (nextLatency - point.latency) * (1 - point.energy)
        }
        return area
    }
}

/// A set of mutually non-dominated solutions with their genomes (one genome per distinct
/// objective vector): the Pareto archive of MOEA/D, Random and the exact solver.
public struct ParetoArchive: Sendable {
    /// The members' objective vectors.
    public private(set) var points: [SCCObjectives] = []
    /// The members' genomes, aligned with `points`.
    public private(set) var genomes: [[Int]] = []

    /// An empty archive.
    public init() {}

    /// True when some member weakly dominates `point` (is no worse in both objectives).
    public func covers(_ point: SCCObjectives) -> Bool {
        points.contains { $0.latency <= point.latency && $0.energy <= point.energy }
    }

    /// Adds the solution unless a member weakly dominates it, dropping members it dominates.
    /// Returns whether it was added.
    @discardableResult
    public mutating func insert(_ point: SCCObjectives, genome: [Int]) -> Bool {
        guard !covers(point) else { return false }
        var keep: [Int] = []
        for index in points.indices where !point.dominates(points[index]) { keep.append(index) }
        points = keep.map { points[$0] } + [point]
        genomes = keep.map { genomes[$0] } + [genome]
        return true
    }

    /// Members sorted by ascending latency.
    public var sorted: [(point: SCCObjectives, genome: [Int])] {
        points.indices.sorted { points[$0].latency < points[$1].latency }.map { (points[$0], genomes[$0]) }
    }
}
