import Foundation

/// A P_GS instance (SPEC §2, appendix `"problem": "gsclo"`): T frames, each sent either as the
/// real image (I bits) or as the pose (S bits) within one slot of τ seconds over B Hz, with
/// per-frame loss `L_t` when only the pose is sent and channel gain `g_t = |h_t|²`, under the
/// average power budget P.
///
/// Optional fields select the variants: `hEstimate`, `errorVariance` and `epsilon` the robust
/// problem P'_GS (BILS), `lossThreshold` the low-power problems Q_GS and Q'_GS. Decoding
/// validates every field and ignores unknown keys; `generator` records how the instance was made.
public struct GSCLOInstance: Codable, Sendable, Equatable, SolverInstance {
    /// Number of frames T.
    public var frames: Int
    /// Slot length τ (s).
    public var slotSeconds: Double
    /// Bandwidth B (Hz).
    public var bandwidth: Double
    /// Noise power σ² (W).
    public var noise: Double
    /// Image size I (bits).
    public var imageBits: Double
    /// Pose size S (bits).
    public var poseBits: Double
    /// Average power budget P (W).
    public var powerBudget: Double
    /// `L_t`: the loss of a frame shown from the GS render instead of the real image.
    public var losses: [Double]
    /// `g_t = |h_t|²` (linear). For robust instances, the estimate's power |h̃_t|².
    public var gains: [Double]
    /// Robust variant: the channel estimates h̃_t.
    public var hEstimate: ComplexArray?
    /// Robust variant: the estimation error variances ω²_t.
    public var errorVariance: [Double]?
    /// Robust variant: the outage target ε ∈ (0, 1).
    public var epsilon: Double?
    /// Low-power variants: the loss threshold L_th.
    public var lossThreshold: Double?
    /// Free-form provenance (generator settings, seeds, where L came from).
    public var generator: [String: String]?

    /// Complex numbers stored as parallel real and imaginary arrays (`{"re": [...], "im": [...]}`).
    public struct ComplexArray: Codable, Sendable, Equatable {
        /// Real parts.
        public var re: [Double]
        /// Imaginary parts.
        public var im: [Double]

        /// Parallel arrays of real and imaginary parts.
        public init(re: [Double], im: [Double]) {
            self.re = re
            self.im = im
        }

        /// `|z_t|²` for every entry.
        public var squaredMagnitudes: [Double] { zip(re, im).map { $0 * $0 + $1 * $1 } }
    }

    /// A validated instance; throws `OptimizerError(.invalidInstance)` naming the bad field.
    public init(
        frames: Int, slotSeconds: Double, bandwidth: Double, noise: Double, imageBits: Double,
        poseBits: Double, powerBudget: Double, losses: [Double], gains: [Double],
        hEstimate: ComplexArray? = nil, errorVariance: [Double]? = nil, epsilon: Double? = nil,
        lossThreshold: Double? = nil, generator: [String: String]? = nil
    ) throws {
        self.frames = frames
        self.slotSeconds = slotSeconds
        self.bandwidth = bandwidth
        self.noise = noise
        self.imageBits = imageBits
        self.poseBits = poseBits
        self.powerBudget = powerBudget
        self.losses = losses
        self.gains = gains
        self.hEstimate = hEstimate
        self.errorVariance = errorVariance
        self.epsilon = epsilon
        self.lossThreshold = lossThreshold
        self.generator = generator
        try validate()
    }

    enum CodingKeys: String, CodingKey {
        case problem
        case frames = "T"
        case slotSeconds = "tau_s"
        case bandwidth = "B_Hz"
        case noise = "sigma2_W"
        case imageBits = "I_bits"
        case poseBits = "S_bits"
        case powerBudget = "P_W"
        case losses = "L"
        case gains = "gain"
        case hEstimate = "h_est"
        case errorVariance = "omega2"
        case epsilon = "eps"
        case lossThreshold = "L_th"
        case generator
    }

    /// The value of the `"problem"` key.
    public static let problemKey = "gsclo"

    public init(from decoder: any Decoder) throws {
        let container: KeyedDecodingContainer<CodingKeys>
        do {
            container = try decoder.container(keyedBy: CodingKeys.self)
        } catch {
            throw OptimizerError(.invalidInstance, "a gsclo instance must be a JSON object")
        }
        func required<T: Decodable>(_ type: T.Type, _ key: CodingKeys) throws -> T {
            do {
                return try container.decode(type, forKey: key)
            } catch DecodingError.keyNotFound {
                throw OptimizerError(.invalidInstance, "missing required key '\(key.rawValue)'")
            } catch {
                throw OptimizerError(.invalidInstance, "key '\(key.rawValue)' has the wrong type or a non-finite value")
            }
        }
        func optional<T: Decodable>(_ type: T.Type, _ key: CodingKeys) throws -> T? {
            do {
                return try container.decodeIfPresent(type, forKey: key)
            } catch {
                throw OptimizerError(.invalidInstance, "key '\(key.rawValue)' has the wrong type or a non-finite value")
            }
        }
        if let problem = try optional(String.self, .problem), problem != Self.problemKey {
            throw OptimizerError(.invalidInstance, "'problem' is '\(problem)', expected '\(Self.problemKey)'")
        }
        try self.init(
            frames: required(Int.self, .frames), slotSeconds: required(Double.self, .slotSeconds),
            bandwidth: required(Double.self, .bandwidth), noise: required(Double.self, .noise),
            imageBits: required(Double.self, .imageBits), poseBits: required(Double.self, .poseBits),
            powerBudget: required(Double.self, .powerBudget), losses: required([Double].self, .losses),
            gains: required([Double].self, .gains), hEstimate: optional(ComplexArray.self, .hEstimate),
            errorVariance: optional([Double].self, .errorVariance), epsilon: optional(Double.self, .epsilon),
            lossThreshold: optional(Double.self, .lossThreshold),
            generator: optional([String: String].self, .generator))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.problemKey, forKey: .problem)
        try container.encode(frames, forKey: .frames)
        try container.encode(slotSeconds, forKey: .slotSeconds)
        try container.encode(bandwidth, forKey: .bandwidth)
        try container.encode(noise, forKey: .noise)
        try container.encode(imageBits, forKey: .imageBits)
        try container.encode(poseBits, forKey: .poseBits)
        try container.encode(powerBudget, forKey: .powerBudget)
        try container.encode(losses, forKey: .losses)
        try container.encode(gains, forKey: .gains)
        try container.encodeIfPresent(hEstimate, forKey: .hEstimate)
        try container.encodeIfPresent(errorVariance, forKey: .errorVariance)
        try container.encodeIfPresent(epsilon, forKey: .epsilon)
        try container.encodeIfPresent(lossThreshold, forKey: .lossThreshold)
        try container.encodeIfPresent(generator, forKey: .generator)
    }

    /// Checks every field; SPEC: missing or non-finite required keys are an error.
    public func validate() throws {
        try InstanceValidation.requireCount(frames, "T", atLeast: 1)
        try InstanceValidation.requirePositive(slotSeconds, "tau_s")
        try InstanceValidation.requirePositive(bandwidth, "B_Hz")
        try InstanceValidation.requirePositive(noise, "sigma2_W")
        try InstanceValidation.requirePositive(imageBits, "I_bits")
        try InstanceValidation.requirePositive(poseBits, "S_bits")
        guard poseBits < imageBits else {
            throw OptimizerError(.invalidInstance, "'S_bits' (\(poseBits)) must be smaller than 'I_bits' (\(imageBits))")
        }
        try InstanceValidation.requirePositive(powerBudget, "P_W")
        try InstanceValidation.requireArray(losses, "L", count: frames)
        try InstanceValidation.requireArray(gains, "gain", count: frames, positive: true)
        if let hEstimate {
            try InstanceValidation.requireArray(hEstimate.re.map(abs), "h_est.re", count: frames)
            try InstanceValidation.requireArray(hEstimate.im.map(abs), "h_est.im", count: frames)
            try InstanceValidation.requireArray(hEstimate.squaredMagnitudes, "|h_est|²", count: frames, positive: true)
        }
        if let errorVariance { try InstanceValidation.requireArray(errorVariance, "omega2", count: frames) }
        if let epsilon {
            guard epsilon > 0, epsilon < 1 else {
                throw OptimizerError(.invalidInstance, "'eps' must lie in (0, 1), got \(epsilon)")
            }
        }
        if let lossThreshold { try InstanceValidation.requireNonNegative(lossThreshold, "L_th") }
    }

    /// Encodes the instance as JSON (sorted keys, so files diff cleanly).
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }
}
