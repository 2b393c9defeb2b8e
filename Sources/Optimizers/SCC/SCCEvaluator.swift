/// The SCC objectives and constraints in a form solvers can call millions of times: decisions
/// are a genome, one MEC index per active (user, space) pair (`SCCInstance.activePairs`), and
/// every per-pair cost is precomputed for every MEC.
///
/// With Lemma 1 (z = max_u y) the objectives split into a per-pair part, linear in y, and a
/// per-space part that depends only on the set of MECs hosting the space (maintenance and
/// synchronisation between every two replicas).
public struct SCCEvaluator: Sendable {
    /// The instance.
    public let instance: SCCInstance
    /// The decision variables, user-major.
    public let pairs: [SCCPair]
    /// |M|.
    public let mecCount: Int
    /// Per-pair latency of computing pair p on MEC m, at [p·M + m]: q (w/f + t^se + d t^vp + d t^ed).
    public let pairLatency: [Double]
    /// Per-pair energy at [p·M + m]: q (κ w f² + e^se + d e^vp + d e^ed).
    public let pairEnergy: [Double]
    /// Symmetric sync latency at [m·M + m′], taken from t^sy[min][max] as SPEC sums over m < m′.
    public let syncLatency: [Double]
    /// Symmetric sync energy, likewise.
    public let syncEnergy: [Double]
    /// The reference point (T_ref, E_ref) of the normalised hypervolume (see `referencePoint`).
    public let reference: SCCObjectives

    /// Precomputes the costs of `instance`.
    public init(_ instance: SCCInstance) {
        self.instance = instance
        let pairs = instance.activePairs
        let mecs = instance.mecCount
        self.pairs = pairs
        mecCount = mecs
        var latency = [Double](repeating: 0, count: pairs.count * mecs)
        var energy = latency
        for (p, pair) in pairs.enumerated() {
            let u = pair.user, v = pair.space, l = instance.localMEC[u]
            let q = instance.probability[u][v], w = instance.flops[v], d = instance.frameBits[v]
            for m in 0..<mecs {
                let f = instance.mecFrequency[m]
                latency[p * mecs + m] =
                    q
                    * (w / f + instance.sensorLatency[l][m] + d * instance.frameLatencyPerBit[m][l]
                        + d * instance.deviceLatencyPerBit[u])
                energy[p * mecs + m] =
                    q
                    * (instance.kappa * w * f * f + instance.sensorEnergy[l][m]
                        + d * instance.frameEnergyPerBit[m][l] + d * instance.deviceEnergyPerBit[u])
            }
        }
        pairLatency = latency
        pairEnergy = energy
        var syncT = [Double](repeating: 0, count: mecs * mecs), syncE = syncT
        for m in 0..<mecs {
            for n in 0..<mecs where m != n {
                let (a, b) = (min(m, n), max(m, n))
                syncT[m * mecs + n] = instance.syncLatency[a][b]
                syncE[m * mecs + n] = instance.syncEnergy[a][b]
            }
        }
        syncLatency = syncT
        syncEnergy = syncE
        reference = Self.referencePoint(
            pairs: pairs, mecs: mecs, pairLatency: latency, pairEnergy: energy, syncLatency: syncT,
            syncEnergy: syncE, instance: instance)
    }

    /// Number of decision variables.
    public var pairCount: Int { pairs.count }

    /// (T, E) of a genome (feasible or not).
    public func objectives(_ genome: [Int]) -> SCCObjectives {
        var latency = 0.0, energy = 0.0
        let spaces = instance.spaceCount
        var hosted = [Bool](repeating: false, count: spaces * mecCount)
        for p in 0..<pairs.count {
            let m = genome[p]
            latency += pairLatency[p * mecCount + m]
            energy += pairEnergy[p * mecCount + m]
            hosted[pairs[p].space * mecCount + m] = true
        }
        var hosts: [Int] = []
        hosts.reserveCapacity(mecCount)
        for v in 0..<spaces {
            hosts.removeAll(keepingCapacity: true)
            for m in 0..<mecCount where hosted[v * mecCount + m] { hosts.append(m) }
            energy += Double(hosts.count) * instance.maintenanceEnergy[v]
            for i in 0..<hosts.count {
                for j in (i + 1)..<max(i + 1, hosts.count) {
                    latency += syncLatency[hosts[i] * mecCount + hosts[j]]
                    energy += syncEnergy[hosts[i] * mecCount + hosts[j]]
                }
            }
        }
        return SCCObjectives(latency: latency, energy: energy)
    }

    /// True when the genome respects every MEC's cache capacity and task limit.
    public func isFeasible(_ genome: [Int]) -> Bool {
        var load = SCCLoad(self)
        for p in 0..<pairs.count {
            guard load.canPlace(p, on: genome[p]) else { return false }
            load.place(p, on: genome[p])
        }
        return true
    }

    /// The [U][V] assignment matrix of a genome (−1 where q = 0).
    public func assignment(_ genome: [Int]) -> [[Int]] {
        var matrix = Array(repeating: Array(repeating: -1, count: instance.spaceCount), count: instance.userCount)
        for (p, pair) in pairs.enumerated() { matrix[pair.user][pair.space] = genome[p] }
        return matrix
    }

    /// The genome of a well-shaped [U][V] assignment matrix.
    public func genome(_ assignment: [[Int]]) throws -> [Int] {
        try instance.checkShape(assignment)
        return pairs.map { assignment[$0.user][$0.space] }
    }

    /// The reference point of the normalised hypervolume (paper eq. 35), chosen so that every
    /// feasible assignment dominates it: each objective's worst value over all assignments,
    /// bounded from above without the constraints. A pair's worst MEC gives its per-pair part;
    /// a space v wanted by n_v pairs is hosted by at most k = min(n_v, M) MECs, so its
    /// maintenance is at most k e_v and its synchronisation at most the k(k−1)/2 largest
    /// pairwise costs. (The paper's values were lost; SPEC §5 asks for "the worst of the two
    /// objectives over the instance".)
    static func referencePoint(
        pairs: [SCCPair], mecs: Int, pairLatency: [Double], pairEnergy: [Double], syncLatency: [Double],
        syncEnergy: [Double], instance: SCCInstance
    ) -> SCCObjectives {
        var latency = 0.0, energy = 0.0
        var demand = [Int](repeating: 0, count: instance.spaceCount)
        for (p, pair) in pairs.enumerated() {
            latency += pairLatency[(p * mecs)..<((p + 1) * mecs)].max() ?? 0
            energy += pairEnergy[(p * mecs)..<((p + 1) * mecs)].max() ?? 0
            demand[pair.space] += 1
        }
        func largestPairs(_ matrix: [Double], count: Int) -> Double {
            var values: [Double] = []
            for m in 0..<mecs { for n in (m + 1)..<max(m + 1, mecs) { values.append(matrix[m * mecs + n]) } }
            return values.sorted(by: >).prefix(count).reduce(0, +)
        }
        for v in 0..<instance.spaceCount where demand[v] > 0 {
            let hosts = min(demand[v], mecs), syncPairs = hosts * (hosts - 1) / 2
            energy += Double(hosts) * instance.maintenanceEnergy[v] + largestPairs(syncEnergy, count: syncPairs)
            latency += largestPairs(syncLatency, count: syncPairs)
        }
        // A degenerate instance (all costs zero) still gets a positive box.
        return SCCObjectives(latency: max(latency, .leastNormalMagnitude), energy: max(energy, .leastNormalMagnitude))
    }
}

/// A point (T, E) in objective space.
public struct SCCObjectives: Sendable, Hashable, Codable {
    /// Total latency T in seconds.
    public var latency: Double
    /// Total energy E in joules.
    public var energy: Double

    /// The point (T, E).
    public init(latency: Double, energy: Double) {
        self.latency = latency
        self.energy = energy
    }

    /// Pareto dominance for minimisation: no worse in both, better in one.
    public func dominates(_ other: SCCObjectives) -> Bool {
        latency <= other.latency && energy <= other.energy && (latency < other.latency || energy < other.energy)
    }
}
