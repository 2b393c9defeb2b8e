import Foundation

/// One slot of the ECO-GS IRAC problem (SPEC §3): which users get frames rendered by the
/// edge's large GS model (x_k = 1) and with what downlink power.
///
/// minimise Σ_k (1 − x_k) Δ_k  s.t.  Σ_k p_k ≤ P,  p_k ≥ x_k p_k^min,  Σ_k x_k ≤ K_max,
/// x ∈ {0,1}^K, p ≥ 0, where p_k^min = σ²(2^(D/(B(T_max − t_e))) − 1)/‖h_k‖² is the power that
/// delivers a D-bit frame within the latency budget left after edge rendering.
///
/// Decodes from and encodes to the SPEC appendix JSON (`"problem": "irac"`); unknown extra
/// keys are ignored on decode.
public struct IRACInstance: Sendable, Equatable {
    /// Noise power σ² in watts.
    public var noisePower: Double
    /// Downlink bandwidth per user B in hertz.
    public var bandwidth: Double
    /// Encoded frame size D in bits.
    public var frameBits: Double
    /// End-to-end latency budget T_max in seconds.
    public var latencyBudget: Double
    /// Edge rendering time t_e in seconds (< T_max).
    public var edgeRenderTime: Double
    /// Edge transmit power budget P in watts.
    public var powerBudget: Double
    /// Most users the edge can render for at once, K_max.
    public var maxUsers: Int
    /// GS switching gains Δ_k (loss saved by rendering user k's view on the edge), ≥ 0.
    public var switchingGains: [Double]
    /// Composite downlink gains ‖h_k‖² (linear), > 0.
    public var channelGains: [Double]

    /// The instance file's `"problem"` value.
    public static let problemKey = "irac"

    /// Number of users K.
    public var userCount: Int { switchingGains.count }

    /// A validated instance; throws `OptimizerError(.invalidInstance)` naming the bad key.
    public init(
        noisePower: Double, bandwidth: Double, frameBits: Double, latencyBudget: Double,
        edgeRenderTime: Double, powerBudget: Double, maxUsers: Int,
        switchingGains: [Double], channelGains: [Double]
    ) throws {
        self.noisePower = noisePower
        self.bandwidth = bandwidth
        self.frameBits = frameBits
        self.latencyBudget = latencyBudget
        self.edgeRenderTime = edgeRenderTime
        self.powerBudget = powerBudget
        self.maxUsers = maxUsers
        self.switchingGains = switchingGains
        self.channelGains = channelGains
        try validate()
    }

    /// Re-checks every field (also used after decoding and after callers mutate a copy).
    public func validate() throws {
        try InstanceValidation.requireCount(userCount, "K", atLeast: 1)
        try InstanceValidation.requirePositive(noisePower, "sigma2_W")
        try InstanceValidation.requirePositive(bandwidth, "B_Hz")
        try InstanceValidation.requirePositive(frameBits, "D_bits")
        try InstanceValidation.requirePositive(latencyBudget, "T_budget_s")
        try InstanceValidation.requireNonNegative(edgeRenderTime, "t_edge_s")
        guard edgeRenderTime < latencyBudget else {
            throw OptimizerError(
                .invalidInstance,
                "'t_edge_s' (\(edgeRenderTime)) must be below 'T_budget_s' (\(latencyBudget))")
        }
        try InstanceValidation.requireNonNegative(powerBudget, "P_W")
        try InstanceValidation.requireCount(maxUsers, "K_max", atLeast: 0)
        try InstanceValidation.requireArray(switchingGains, "G", count: userCount)
        try InstanceValidation.requireArray(channelGains, "gain", count: userCount, positive: true)
    }

    /// Spectral efficiency (bit/s/Hz) a served user needs: D / (B (T_max − t_e)).
    public var requiredSpectralEfficiency: Double {
        frameBits / (bandwidth * (latencyBudget - edgeRenderTime))
    }

    /// p_k^min for every user: the least power that meets the latency budget (SPEC §3).
    public var minimumPowers: [Double] {
        let snr = exp2(requiredSpectralEfficiency) - 1
        return channelGains.map { noisePower * snr / $0 }
    }

    /// Downlink rate B log2(1 + p g/σ²) of user `k` at power `power`.
    public func rate(user k: Int, power: Double) -> Double {
        bandwidth * log2(1 + power * channelGains[k] / noisePower)
    }

    /// End-to-end latency t_e + D/R_k of user `k` served at `power` (infinite at zero power).
    public func latency(user k: Int, power: Double) -> Double {
        let rate = rate(user: k, power: power)
        return rate > 0 ? edgeRenderTime + frameBits / rate : .infinity
    }

    /// The IRAC objective Σ (1 − x_k) Δ_k: the switching gain left on the table.
    public func objective(_ x: [Bool]) -> Double {
        var total = 0.0
        for k in switchingGains.indices where !x[k] { total += switchingGains[k] }
        return total
    }
}

extension IRACInstance: Codable, SolverInstance {
    enum CodingKeys: String, CodingKey {
        case problem, K
        case noisePower = "sigma2_W"
        case bandwidth = "B_Hz"
        case frameBits = "D_bits"
        case latencyBudget = "T_budget_s"
        case edgeRenderTime = "t_edge_s"
        case powerBudget = "P_W"
        case maxUsers = "K_max"
        case switchingGains = "G"
        case channelGains = "gain"
    }

    /// Decodes the SPEC appendix JSON; a wrong `problem`, a `K` that disagrees with the arrays,
    /// or any invalid value throws `OptimizerError(.invalidInstance)`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let problem = try container.decodeIfPresent(String.self, forKey: .problem), problem != Self.problemKey {
            throw OptimizerError(.invalidInstance, "'problem' must be \"irac\", got \"\(problem)\"")
        }
        let count = try container.decode(Int.self, forKey: .K)
        try self.init(
            noisePower: container.decode(Double.self, forKey: .noisePower),
            bandwidth: container.decode(Double.self, forKey: .bandwidth),
            frameBits: container.decode(Double.self, forKey: .frameBits),
            latencyBudget: container.decode(Double.self, forKey: .latencyBudget),
            edgeRenderTime: container.decode(Double.self, forKey: .edgeRenderTime),
            powerBudget: container.decode(Double.self, forKey: .powerBudget),
            maxUsers: container.decode(Int.self, forKey: .maxUsers),
            switchingGains: container.decode([Double].self, forKey: .switchingGains),
            channelGains: container.decode([Double].self, forKey: .channelGains))
        guard count == userCount else {
            throw OptimizerError(.invalidInstance, "'K' is \(count) but 'G' has \(userCount) entries")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.problemKey, forKey: .problem)
        try container.encode(userCount, forKey: .K)
        try container.encode(noisePower, forKey: .noisePower)
        try container.encode(bandwidth, forKey: .bandwidth)
        try container.encode(frameBits, forKey: .frameBits)
        try container.encode(latencyBudget, forKey: .latencyBudget)
        try container.encode(edgeRenderTime, forKey: .edgeRenderTime)
        try container.encode(powerBudget, forKey: .powerBudget)
        try container.encode(maxUsers, forKey: .maxUsers)
        try container.encode(switchingGains, forKey: .switchingGains)
        try container.encode(channelGains, forKey: .channelGains)
    }
}
