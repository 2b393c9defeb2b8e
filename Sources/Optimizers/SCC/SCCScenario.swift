import Foundation
import SeededRandom

/// Generator of SCC instances in the setting of the paper's §IV-A: M MECs at cells sampled from
/// a synthetic city (`SCCCity`), users attached to them with VR-track-like space probabilities,
/// spaces drawn from level sets. Where the paper's text kept a value it is used (cache U[15, 20]
/// GB, frequency 2–5 GHz, costs linear in distance); the rest are documented defaults
/// (docs/SCC.md), since the paper's numbers were lost.
public struct SCCScenario: Sendable {
    /// Which city the MECs are drawn from.
    public var city = SCCCity.california
    /// Seed of the city itself (the cell map); instances sample MECs from it.
    public var citySeed: UInt64 = 1
    /// |U|, |V|, |M|.
    public var users = 200, spaces = 10, mecs = 20
    /// Level sets of the spaces (one value drawn per space from each).
    public var cacheLevelsGB: [Double] = [2, 4, 6, 8]
    public var maintenanceLevelsJ: [Double] = [0.5, 1, 1.5, 2]
    public var flopLevels: [Double] = [0.5e8, 1e8, 1.5e8, 2e8]
    public var frameLevelsMbit: [Double] = [4, 8, 12, 16]
    /// MEC cache capacity range (GB) and frequency range (GHz), from the paper.
    public var mecCacheGB = 15.0..<20.0
    public var mecFrequencyGHz = 2.0..<5.0
    /// N_m is uniform in [lo, hi] × (pairs / M), rounded up (the paper's interval was lost).
    public var taskSlack = 1.0...2.0
    /// κ (J per FLOP per Hz²).
    public var kappa = 1e-28
    /// Costs per km (the paper: "scale linearly with the inter-cell distance").
    public var syncLatencyPerKm = 1e-4, syncEnergyPerKm = 1e-3
    public var sensorLatencyPerKm = 1e-4, sensorEnergyPerKm = 1e-3
    /// Frame forwarding, per bit and km ("proportional to both the distance and the data size").
    public var frameLatencyPerBitKm = 5e-10, frameEnergyPerBitKm = 1e-9
    /// Edge-to-device downlink rate range (bit/s) and device-link transmit power (W).
    public var deviceRate = 100e6..<500e6
    public var deviceTransmitPower = 0.2
    /// Spaces a user may visit (uniform count), their Zipf popularity exponent, and the range
    /// of the probability that the user is online at all.
    public var spacesPerUser = 1...3
    public var popularityExponent = 0.8
    public var onlineProbability = 0.6..<1.0

    /// Default settings (paper scale: 20 MECs, 200 users, 10 spaces).
    public init() {}

    /// A generated instance with the MEC positions it came from.
    public struct Network: Sendable {
        /// The instance.
        public var instance: SCCInstance
        /// MEC positions in km.
        public var positions: [(x: Double, y: Double)]
        /// Mean distance between two MECs (the x axis of the paper's Fig. 8), km.
        public var averageDistanceKm: Double
    }

    /// The instance of `seed`; retries the draw (keyed sub-streams) until the greedy projection
    /// finds a feasible assignment, so every generated instance is feasible.
    public func network(seed: UInt64, cells: [(x: Double, y: Double)]? = nil) throws -> Network {
        let cells = cells ?? city.cells(seed: citySeed)
        guard mecs >= 1, mecs <= cells.count, users >= 1, spaces >= 1 else {
            throw OptimizerError(.invalidInstance, "need 1 ≤ M ≤ \(cells.count) cells, U ≥ 1 and V ≥ 1")
        }
        for attempt in 0..<20 {
            var generator = SeededGenerator(seed: seed, stream: 0x5CC, index: UInt64(attempt))
            let network = try draw(cells: cells, using: &generator)
            if SCCRepair.greedy(SCCEvaluator(network.instance), latencyWeight: 0.5) != nil { return network }
        }
        throw OptimizerError(.infeasible, "no feasible SCC instance in 20 draws for seed \(seed); loosen the task slack")
    }

    /// Convenience: just the instance of `seed`.
    public func instance(seed: UInt64) throws -> SCCInstance { try network(seed: seed).instance }

    func draw(cells: [(x: Double, y: Double)], using g: inout SeededGenerator) throws -> Network {
        var indices = Array(cells.indices)
        indices.shuffle(using: &g)
        let positions = indices.prefix(mecs).map { cells[$0] }
        func pick(_ levels: [Double]) -> Double { levels[Int.random(in: 0..<levels.count, using: &g)] }
        let cache = (0..<spaces).map { _ in pick(cacheLevelsGB) * 1e9 }
        let maintenance = (0..<spaces).map { _ in pick(maintenanceLevelsJ) }
        let flops = (0..<spaces).map { _ in pick(flopLevels) }
        let frames = (0..<spaces).map { _ in pick(frameLevelsMbit) * 1e6 }
        // Cells serve different numbers of users: attach users in proportion to a random load.
        let cellLoad = (0..<mecs).map { _ in g.nextUniform(in: 1..<10) }
        let loadTotal = cellLoad.reduce(0, +)
        let local = (0..<users).map { _ -> Int in
            var target = g.nextUnit() * loadTotal
            for (m, load) in cellLoad.enumerated() {
                target -= load
                if target < 0 { return m }
            }
            return mecs - 1
        }
        let probability = (0..<users).map { _ in userProbabilities(using: &g) }
        let pairs = probability.reduce(0) { $0 + $1.filter { $0 > 0 }.count }
        let perMEC = Double(pairs) / Double(mecs)
        let tasks = (0..<mecs).map { _ in
            Int((perMEC * g.nextUniform(in: taskSlack.lowerBound..<(taskSlack.upperBound + 1e-9))).rounded(.up))
        }
        let rates = (0..<users).map { _ in g.nextUniform(in: deviceRate) }
        let zero = [[Double]](repeating: [Double](repeating: 0, count: mecs), count: mecs)
        let instance = try SCCInstance(
            localMEC: local, probability: probability, cacheBytes: cache, maintenanceEnergy: maintenance,
            flops: flops, frameBits: frames,
            mecCacheBytes: (0..<mecs).map { _ in g.nextUniform(in: mecCacheGB) * 1e9 },
            mecFrequency: (0..<mecs).map { _ in g.nextUniform(in: mecFrequencyGHz) * 1e9 },
            mecMaxTasks: tasks,
            // Distance-dependent costs are filled in by `relocated`.
            syncLatency: zero, syncEnergy: zero, sensorLatency: zero, sensorEnergy: zero,
            frameLatencyPerBit: zero, frameEnergyPerBit: zero, deviceLatencyPerBit: rates.map { 1 / $0 },
            deviceEnergyPerBit: rates.map { deviceTransmitPower / $0 },
            kappa: kappa)
        return try relocated(instance, to: positions)
    }

    /// `instance` with its MECs moved to `positions` (km): every distance-dependent cost is
    /// recomputed, linear in distance (§IV-A), everything else kept. The paper's Fig. 8 varies
    /// the mean inter-cell distance this way, "while other parameters remain fixed".
    public func relocated(_ instance: SCCInstance, to positions: [(x: Double, y: Double)]) throws -> Network {
        let mecs = instance.mecCount
        guard positions.count == mecs else {
            throw OptimizerError(.invalidInstance, "need \(mecs) MEC positions, got \(positions.count)")
        }
        var distance = [[Double]](repeating: [Double](repeating: 0, count: mecs), count: mecs)
        var total = 0.0
        for a in 0..<mecs {
            for b in 0..<mecs where a != b {
                distance[a][b] = hypot(positions[a].x - positions[b].x, positions[a].y - positions[b].y)
                if a < b { total += distance[a][b] }
            }
        }
        func scaled(_ perKm: Double) -> [[Double]] { distance.map { $0.map { $0 * perKm } } }
        var moved = instance
        moved.syncLatency = scaled(syncLatencyPerKm)
        moved.syncEnergy = scaled(syncEnergyPerKm)
        moved.sensorLatency = scaled(sensorLatencyPerKm)
        moved.sensorEnergy = scaled(sensorEnergyPerKm)
        moved.frameLatencyPerBit = scaled(frameLatencyPerBitKm)
        moved.frameEnergyPerBit = scaled(frameEnergyPerBitKm)
        try moved.validate()
        let average = mecs > 1 ? total / Double(mecs * (mecs - 1) / 2) : 0
        return Network(instance: moved, positions: positions, averageDistanceKm: average)
    }

    /// One user's row q[u][·], VR-track-like (the paper derives it from the head-movement
    /// dataset of its ref. [45], unavailable offline): the user is online with probability
    /// p ~ U(onlineProbability), visits 1–3 spaces drawn by Zipf popularity without
    /// replacement, and splits its online time between them by Dirichlet(1) dwell shares.
    func userProbabilities(using g: inout SeededGenerator) -> [Double] {
        let count = min(Int.random(in: spacesPerUser, using: &g), spaces)
        var weights = (1...spaces).map { pow(Double($0), -popularityExponent) }
        var chosen: [Int] = []
        while chosen.count < count {
            var target = g.nextUnit() * weights.reduce(0, +)
            var pick = spaces - 1
            for (v, w) in weights.enumerated() where w > 0 {
                target -= w
                if target < 0 { pick = v; break }
            }
            if weights[pick] > 0 { chosen.append(pick) }
            weights[pick] = 0
        }
        let dwell = chosen.map { _ in -log(1 - g.nextUnit()) + 1e-12 }
        let online = g.nextUniform(in: onlineProbability)
        var row = [Double](repeating: 0, count: spaces)
        let dwellTotal = dwell.reduce(0, +)
        for (k, v) in chosen.enumerated() { row[v] = online * dwell[k] / dwellTotal }
        return row
    }
}
