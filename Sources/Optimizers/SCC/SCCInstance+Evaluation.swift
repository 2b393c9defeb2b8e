/// The SCC objectives split into the paper's terms (§II-A): T = T^sy + T^cp + T^tr + T^ed and
/// E = E^mt + E^sy + E^cp + E^tr + E^ed.
public struct SCCCostBreakdown: Sendable, Equatable {
    /// Σ_v Σ_{m<m′} z_{v,m} z_{v,m′} t^sy_{m,m′}: synchronisation between replicas.
    public var syncLatency = 0.0
    /// Σ q y w_v / f_m: viewport computing.
    public var computeLatency = 0.0
    /// Σ q y (t^se_{l(u),m} + d_v t^vp_{m,l(u)}): cross-MEC sensor and frame forwarding.
    public var crossLatency = 0.0
    /// Σ q d_v t^ed_u: edge-to-device frames.
    public var deviceLatency = 0.0
    /// Σ z_{v,m} e_v: keeping cached copies alive.
    public var maintenanceEnergy = 0.0
    /// Σ_v Σ_{m<m′} z z e^sy_{m,m′}.
    public var syncEnergy = 0.0
    /// Σ q y κ w_v f_m².
    public var computeEnergy = 0.0
    /// Σ q y (e^se + d_v e^vp).
    public var crossEnergy = 0.0
    /// Σ q d_v e^ed_u.
    public var deviceEnergy = 0.0

    /// Total latency T (s).
    public var latency: Double { syncLatency + computeLatency + crossLatency + deviceLatency }
    /// Total energy E (J).
    public var energy: Double { maintenanceEnergy + syncEnergy + computeEnergy + crossEnergy + deviceEnergy }
}

/// How far an assignment is from the constraints of problem P1.
public struct SCCFeasibility: Sendable, Equatable {
    /// Largest Σ_v z_{v,m} s_v − C_m over MECs, clamped at 0 (bytes).
    public var cacheExcess = 0.0
    /// Largest Σ_{u,v} y_{u,v,m} − N_m over MECs, clamped at 0 (tasks).
    public var taskExcess = 0
    /// True when every constraint holds.
    public var isFeasible: Bool { cacheExcess <= 0 && taskExcess <= 0 }
}

extension SCCInstance {
    /// Throws unless `assignment` is a [U][V] matrix with an MEC index exactly where q > 0 and
    /// −1 elsewhere (the result file's `assign`).
    public func checkShape(_ assignment: [[Int]]) throws {
        guard assignment.count == userCount else {
            throw OptimizerError(.invalidInstance, "'assign' must have \(userCount) rows, got \(assignment.count)")
        }
        for (u, row) in assignment.enumerated() {
            guard row.count == spaceCount else {
                throw OptimizerError(.invalidInstance, "'assign[\(u)]' must have \(spaceCount) entries, got \(row.count)")
            }
            for (v, m) in row.enumerated() {
                let needed = probability[u][v] > 0
                guard needed ? (0..<mecCount).contains(m) : m == -1 else {
                    let expectation = needed ? "an MEC index in 0..<\(mecCount)" : "-1 (q = 0)"
                    throw OptimizerError(.invalidInstance, "'assign[\(u)][\(v)]' must be \(expectation), got \(m)")
                }
            }
        }
    }

    /// The cache decision z_{v,m} = max_u y_{u,v,m} of an assignment (Lemma 1).
    public func cacheDecision(_ assignment: [[Int]]) -> [[Bool]] {
        var z = Array(repeating: Array(repeating: false, count: mecCount), count: spaceCount)
        for (u, row) in assignment.enumerated() {
            for (v, m) in row.enumerated() where m >= 0 && probability[u][v] > 0 { z[v][m] = true }
        }
        return z
    }

    /// Every term of T and E for a well-shaped assignment, straight from the formulas of
    /// SPEC §5 (the reference the fast `SCCEvaluator` is tested against).
    public func breakdown(_ assignment: [[Int]]) throws -> SCCCostBreakdown {
        try checkShape(assignment)
        var cost = SCCCostBreakdown()
        let z = cacheDecision(assignment)
        for v in 0..<spaceCount {
            for m in 0..<mecCount where z[v][m] {
                cost.maintenanceEnergy += maintenanceEnergy[v]
                for n in (m + 1)..<max(m + 1, mecCount) where z[v][n] {
                    cost.syncLatency += syncLatency[m][n]
                    cost.syncEnergy += syncEnergy[m][n]
                }
            }
        }
        for u in 0..<userCount {
            let l = localMEC[u]
            for v in 0..<spaceCount where probability[u][v] > 0 {
                let q = probability[u][v], m = assignment[u][v], f = mecFrequency[m]
                cost.computeLatency += q * flops[v] / f
                cost.computeEnergy += q * kappa * flops[v] * f * f
                cost.crossLatency += q * (sensorLatency[l][m] + frameBits[v] * frameLatencyPerBit[m][l])
                cost.crossEnergy += q * (sensorEnergy[l][m] + frameBits[v] * frameEnergyPerBit[m][l])
                cost.deviceLatency += q * frameBits[v] * deviceLatencyPerBit[u]
                cost.deviceEnergy += q * frameBits[v] * deviceEnergyPerBit[u]
            }
        }
        return cost
    }

    /// The constraint excesses of a well-shaped assignment.
    public func feasibility(_ assignment: [[Int]]) throws -> SCCFeasibility {
        try checkShape(assignment)
        let z = cacheDecision(assignment)
        var result = SCCFeasibility()
        for m in 0..<mecCount {
            let cached = (0..<spaceCount).reduce(0.0) { $0 + (z[$1][m] ? cacheBytes[$1] : 0) }
            result.cacheExcess = max(result.cacheExcess, cached - mecCacheBytes[m])
            let tasks = assignment.reduce(0) { total, row in total + row.filter { $0 == m }.count }
            result.taskExcess = max(result.taskExcess, tasks - mecMaxTasks[m])
        }
        return result
    }

    /// Local rate (paper eq. 36): the share of (user, space) pairs computed on the user's own
    /// local MEC.
    public func localRate(_ assignment: [[Int]]) -> Double {
        var local = 0, total = 0
        for (u, row) in assignment.enumerated() {
            for m in row where m >= 0 {
                total += 1
                if m == localMEC[u] { local += 1 }
            }
        }
        return total > 0 ? Double(local) / Double(total) : 0
    }

    /// Average placements per space (paper eq. 37): the mean over spaces that some user may be
    /// in of the number of distinct MECs computing (hence caching) the space.
    public func averagePlacements(_ assignment: [[Int]]) -> Double {
        let z = cacheDecision(assignment)
        let counts = z.map { row in row.filter { $0 }.count }.filter { $0 > 0 }
        return counts.isEmpty ? 0 : Double(counts.reduce(0, +)) / Double(counts.count)
    }
}
