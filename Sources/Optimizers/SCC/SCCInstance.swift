/// One instance of the SCC placement problem (SPEC §5; papers/scc-mo-cmpo.txt, problem P1):
/// for every user u and every virtual space v the user may be in (q_{u,v} > 0), the MEC that
/// computes u's viewport of v. Caching follows from it (z_{v,m} = max_u y_{u,v,m}, the paper's
/// Lemma 1), and the two objectives are the expected total latency T and energy E.
///
/// Matrices follow the instance file's indexing: `syncLatency[m][m′]`, `sensorLatency[local][m]`,
/// `frameLatencyPerBit[m][local]`. Decodes from and encodes to the SPEC appendix JSON
/// (`"problem": "scc"`, see `SCCInstance+JSON.swift`).
public struct SCCInstance: Sendable, Equatable {
    /// Local MEC l(u) of every user (0-based).
    public var localMEC: [Int]
    /// q[u][v]: probability that user u is in space v (row sums ≤ 1; the rest is offline).
    public var probability: [[Double]]
    /// Cache size s_v of each space in bytes.
    public var cacheBytes: [Double]
    /// Maintenance energy e_v of one cached copy of each space in joules.
    public var maintenanceEnergy: [Double]
    /// Per-user viewport workload w_v of each space in FLOPs.
    public var flops: [Double]
    /// Per-user viewport frame size d_v of each space in bits.
    public var frameBits: [Double]
    /// Cache capacity C_m of each MEC in bytes.
    public var mecCacheBytes: [Double]
    /// Computation frequency f_m of each MEC in hertz (FLOP/s in the workload term).
    public var mecFrequency: [Double]
    /// Most viewport tasks N_m each MEC may run.
    public var mecMaxTasks: [Int]
    /// t^sy_{m,m′}: latency of one space's synchronisation between replicas on m and m′ (s).
    public var syncLatency: [[Double]]
    /// e^sy_{m,m′}: energy of that synchronisation (J).
    public var syncEnergy: [[Double]]
    /// t^se_{l,m}: latency of forwarding a user's sensor data from its local MEC l to m (s).
    public var sensorLatency: [[Double]]
    /// e^se_{l,m}: energy of that forwarding (J).
    public var sensorEnergy: [[Double]]
    /// t^vp_{m,l}: latency per bit of forwarding a viewport frame from m to local MEC l (s/bit).
    public var frameLatencyPerBit: [[Double]]
    /// e^vp_{m,l}: energy per bit of that forwarding (J/bit).
    public var frameEnergyPerBit: [[Double]]
    /// t^ed_u: latency per bit from the local base station to user u's device (s/bit).
    public var deviceLatencyPerBit: [Double]
    /// e^ed_u: energy per bit of that link (J/bit).
    public var deviceEnergyPerBit: [Double]
    /// Energy coefficient κ of the computing energy κ w f² (J/(FLOP·Hz²)).
    public var kappa: Double

    /// The instance file's `"problem"` value.
    public static let problemKey = "scc"

    /// Number of users |U|.
    public var userCount: Int { localMEC.count }
    /// Number of virtual spaces |V|.
    public var spaceCount: Int { cacheBytes.count }
    /// Number of MEC servers |M|.
    public var mecCount: Int { mecCacheBytes.count }

    /// A validated instance; throws `OptimizerError(.invalidInstance)` naming the bad key.
    public init(
        localMEC: [Int], probability: [[Double]], cacheBytes: [Double], maintenanceEnergy: [Double],
        flops: [Double], frameBits: [Double], mecCacheBytes: [Double], mecFrequency: [Double],
        mecMaxTasks: [Int], syncLatency: [[Double]], syncEnergy: [[Double]], sensorLatency: [[Double]],
        sensorEnergy: [[Double]], frameLatencyPerBit: [[Double]], frameEnergyPerBit: [[Double]],
        deviceLatencyPerBit: [Double], deviceEnergyPerBit: [Double], kappa: Double
    ) throws {
        self.localMEC = localMEC
        self.probability = probability
        self.cacheBytes = cacheBytes
        self.maintenanceEnergy = maintenanceEnergy
        self.flops = flops
        self.frameBits = frameBits
        self.mecCacheBytes = mecCacheBytes
        self.mecFrequency = mecFrequency
        self.mecMaxTasks = mecMaxTasks
        self.syncLatency = syncLatency
        self.syncEnergy = syncEnergy
        self.sensorLatency = sensorLatency
        self.sensorEnergy = sensorEnergy
        self.frameLatencyPerBit = frameLatencyPerBit
        self.frameEnergyPerBit = frameEnergyPerBit
        self.deviceLatencyPerBit = deviceLatencyPerBit
        self.deviceEnergyPerBit = deviceEnergyPerBit
        self.kappa = kappa
        try validate()
    }

    /// Re-checks every field (also used after decoding and after callers mutate a copy).
    public func validate() throws {
        let users = userCount, spaces = spaceCount, mecs = mecCount
        try InstanceValidation.requireCount(users, "U", atLeast: 1)
        try InstanceValidation.requireCount(spaces, "V", atLeast: 1)
        try InstanceValidation.requireCount(mecs, "M", atLeast: 1)
        for (u, local) in localMEC.enumerated() where !(0..<mecs).contains(local) {
            throw OptimizerError(.invalidInstance, "'local_mec[\(u)]' must be an MEC index in 0..<\(mecs), got \(local)")
        }
        try Self.requireMatrix(probability, "q", rows: users, columns: spaces)
        for (u, row) in probability.enumerated() {
            if let (v, value) = row.enumerated().first(where: { $0.element > 1 }) {
                throw OptimizerError(.invalidInstance, "'q[\(u)][\(v)]' must be at most 1, got \(value)")
            }
            // A little slack for row sums written with rounding.
            guard row.reduce(0, +) <= 1 + 1e-9 else {
                throw OptimizerError(.invalidInstance, "row 'q[\(u)]' sums to \(row.reduce(0, +)) > 1")
            }
        }
        try InstanceValidation.requireArray(cacheBytes, "cache_bytes", count: spaces)
        try InstanceValidation.requireArray(maintenanceEnergy, "maintenance_J", count: spaces)
        try InstanceValidation.requireArray(flops, "flops", count: spaces)
        try InstanceValidation.requireArray(frameBits, "frame_bits", count: spaces)
        try InstanceValidation.requireArray(mecCacheBytes, "mec_cache_bytes", count: mecs)
        try InstanceValidation.requireArray(mecFrequency, "mec_freq_Hz", count: mecs, positive: true)
        guard mecMaxTasks.count == mecs else {
            throw OptimizerError(.invalidInstance, "'mec_max_tasks' must have \(mecs) entries, got \(mecMaxTasks.count)")
        }
        if let (m, value) = mecMaxTasks.enumerated().first(where: { $0.element < 0 }) {
            throw OptimizerError(.invalidInstance, "'mec_max_tasks[\(m)]' must be ≥ 0, got \(value)")
        }
        for (key, matrix) in [
            ("t_sync_s", syncLatency), ("e_sync_J", syncEnergy), ("t_sensor_s", sensorLatency),
            ("e_sensor_J", sensorEnergy), ("t_frame_s_per_bit", frameLatencyPerBit),
            ("e_frame_J_per_bit", frameEnergyPerBit),
        ] {
            try Self.requireMatrix(matrix, key, rows: mecs, columns: mecs)
        }
        try InstanceValidation.requireArray(deviceLatencyPerBit, "t_ed_s_per_bit", count: users)
        try InstanceValidation.requireArray(deviceEnergyPerBit, "e_ed_J_per_bit", count: users)
        try InstanceValidation.requireNonNegative(kappa, "kappa")
    }

    /// Throws unless `matrix` is `rows` × `columns` of finite non-negative numbers.
    static func requireMatrix(_ matrix: [[Double]], _ key: String, rows: Int, columns: Int) throws {
        guard matrix.count == rows else {
            throw OptimizerError(.invalidInstance, "'\(key)' must have \(rows) rows, got \(matrix.count)")
        }
        for (index, row) in matrix.enumerated() {
            try InstanceValidation.requireArray(row, "\(key)[\(index)]", count: columns)
        }
    }

    /// The (user, space) pairs that need a computing MEC (q_{u,v} > 0), user-major: the
    /// decision variables of every solver.
    public var activePairs: [SCCPair] {
        var pairs: [SCCPair] = []
        for u in 0..<userCount {
            for v in 0..<spaceCount where probability[u][v] > 0 { pairs.append(SCCPair(user: u, space: v)) }
        }
        return pairs
    }
}

/// A (user, space) pair with q_{u,v} > 0.
public struct SCCPair: Sendable, Hashable {
    /// The user u.
    public var user: Int
    /// The space v.
    public var space: Int

    /// The pair (u, v).
    public init(user: Int, space: Int) {
        self.user = user
        self.space = space
    }
}
