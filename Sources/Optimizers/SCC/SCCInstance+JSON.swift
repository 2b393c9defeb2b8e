import Foundation

extension SCCInstance: Codable, SolverInstance {
    enum CodingKeys: String, CodingKey {
        case problem, U, V, M
        case localMEC = "local_mec"
        case probability = "q"
        case cacheBytes = "cache_bytes"
        case maintenanceEnergy = "maintenance_J"
        case flops
        case frameBits = "frame_bits"
        case mecCacheBytes = "mec_cache_bytes"
        case mecFrequency = "mec_freq_Hz"
        case mecMaxTasks = "mec_max_tasks"
        case syncLatency = "t_sync_s"
        case syncEnergy = "e_sync_J"
        case sensorLatency = "t_sensor_s"
        case sensorEnergy = "e_sensor_J"
        case frameLatencyPerBit = "t_frame_s_per_bit"
        case frameEnergyPerBit = "e_frame_J_per_bit"
        case deviceLatencyPerBit = "t_ed_s_per_bit"
        case deviceEnergyPerBit = "e_ed_J_per_bit"
        case kappa
    }

    /// Decodes the SPEC appendix JSON; a wrong `problem`, counts `U`, `V`, `M` that disagree
    /// with the arrays, or any invalid value throws `OptimizerError(.invalidInstance)`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let problem = try c.decodeIfPresent(String.self, forKey: .problem), problem != Self.problemKey {
            throw OptimizerError(.invalidInstance, "'problem' must be \"scc\", got \"\(problem)\"")
        }
        let users = try c.decode(Int.self, forKey: .U)
        let spaces = try c.decode(Int.self, forKey: .V)
        let mecs = try c.decode(Int.self, forKey: .M)
        try self.init(
            localMEC: c.decode([Int].self, forKey: .localMEC),
            probability: c.decode([[Double]].self, forKey: .probability),
            cacheBytes: c.decode([Double].self, forKey: .cacheBytes),
            maintenanceEnergy: c.decode([Double].self, forKey: .maintenanceEnergy),
            flops: c.decode([Double].self, forKey: .flops),
            frameBits: c.decode([Double].self, forKey: .frameBits),
            mecCacheBytes: c.decode([Double].self, forKey: .mecCacheBytes),
            mecFrequency: c.decode([Double].self, forKey: .mecFrequency),
            mecMaxTasks: c.decode([Int].self, forKey: .mecMaxTasks),
            syncLatency: c.decode([[Double]].self, forKey: .syncLatency),
            syncEnergy: c.decode([[Double]].self, forKey: .syncEnergy),
            sensorLatency: c.decode([[Double]].self, forKey: .sensorLatency),
            sensorEnergy: c.decode([[Double]].self, forKey: .sensorEnergy),
            frameLatencyPerBit: c.decode([[Double]].self, forKey: .frameLatencyPerBit),
            frameEnergyPerBit: c.decode([[Double]].self, forKey: .frameEnergyPerBit),
            deviceLatencyPerBit: c.decode([Double].self, forKey: .deviceLatencyPerBit),
            deviceEnergyPerBit: c.decode([Double].self, forKey: .deviceEnergyPerBit),
            kappa: c.decode(Double.self, forKey: .kappa))
        for (key, declared, actual) in [("U", users, userCount), ("V", spaces, spaceCount), ("M", mecs, mecCount)]
        where declared != actual {
            throw OptimizerError(.invalidInstance, "'\(key)' is \(declared) but the arrays describe \(actual)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.problemKey, forKey: .problem)
        try c.encode(userCount, forKey: .U)
        try c.encode(spaceCount, forKey: .V)
        try c.encode(mecCount, forKey: .M)
        try c.encode(localMEC, forKey: .localMEC)
        try c.encode(probability, forKey: .probability)
        try c.encode(cacheBytes, forKey: .cacheBytes)
        try c.encode(maintenanceEnergy, forKey: .maintenanceEnergy)
        try c.encode(flops, forKey: .flops)
        try c.encode(frameBits, forKey: .frameBits)
        try c.encode(mecCacheBytes, forKey: .mecCacheBytes)
        try c.encode(mecFrequency, forKey: .mecFrequency)
        try c.encode(mecMaxTasks, forKey: .mecMaxTasks)
        try c.encode(syncLatency, forKey: .syncLatency)
        try c.encode(syncEnergy, forKey: .syncEnergy)
        try c.encode(sensorLatency, forKey: .sensorLatency)
        try c.encode(sensorEnergy, forKey: .sensorEnergy)
        try c.encode(frameLatencyPerBit, forKey: .frameLatencyPerBit)
        try c.encode(frameEnergyPerBit, forKey: .frameEnergyPerBit)
        try c.encode(deviceLatencyPerBit, forKey: .deviceLatencyPerBit)
        try c.encode(deviceEnergyPerBit, forKey: .deviceEnergyPerBit)
        try c.encode(kappa, forKey: .kappa)
    }
}
