import Foundation

/// One STT-GS client-selection problem (SPEC §4, appendix `"problem": "sttgs"`): K clients
/// holding `n_images` samples of `V_bits` each, predicted dataset losses π̃, the MRC composite
/// gains H of the interfering uplink, and the time and power budgets.
///
/// Decodes from and encodes to the appendix JSON exactly; unknown keys are ignored. The
/// optional `T0_s` and `eta` pin the stage-2 problem so that different tools solve the same
/// numbers; without them solvers run PTTM first (see ``STTGSInstance/stageTwo()``).
public struct STTGSInstance: Codable, Sendable, Equatable, SolverInstance {
    /// Number of clients K.
    public var clientCount: Int
    /// Noise power σ² in watts.
    public var noisePower: Double
    /// Bandwidth of each client B_k in hertz.
    public var bandwidths: [Double]
    /// Total time budget T in seconds (pilot stage + full transmission).
    public var timeBudget: Double
    /// Total power budget P_sum in watts.
    public var powerSum: Double
    /// Individual power cap P_max in watts.
    public var powerMax: Double
    /// Dataset sizes |D_k|.
    public var imageCounts: [Int]
    /// Pilot sizes |D̃_k| (uploaded in stage 1).
    public var pilotCounts: [Int]
    /// Bits per sample V_k.
    public var bitsPerSample: [Double]
    /// Predicted dataset losses π̃_k.
    public var predictedLoss: [Double]
    /// Composite gains: `gains[k][j]` is what receiver k collects from client j; the diagonal
    /// is ‖h_k‖².
    public var gains: [[Double]]
    /// Pilot-stage duration T0 in seconds, when pinned by the instance.
    public var pilotTime: Double?
    /// Stage-2 spectral-efficiency targets η_k in bit/s/Hz, when pinned by the instance.
    public var rateTargets: [Double]?

    /// An instance; call ``validate()`` before solving (the JSON decoder does so itself).
    public init(
        noisePower: Double, bandwidths: [Double], timeBudget: Double, powerSum: Double,
        powerMax: Double, imageCounts: [Int], pilotCounts: [Int], bitsPerSample: [Double],
        predictedLoss: [Double], gains: [[Double]], pilotTime: Double? = nil,
        rateTargets: [Double]? = nil
    ) {
        self.clientCount = gains.count
        self.noisePower = noisePower
        self.bandwidths = bandwidths
        self.timeBudget = timeBudget
        self.powerSum = powerSum
        self.powerMax = powerMax
        self.imageCounts = imageCounts
        self.pilotCounts = pilotCounts
        self.bitsPerSample = bitsPerSample
        self.predictedLoss = predictedLoss
        self.gains = gains
        self.pilotTime = pilotTime
        self.rateTargets = rateTargets
    }

    enum CodingKeys: String, CodingKey {
        case problem
        case clientCount = "K"
        case noisePower = "sigma2_W"
        case bandwidths = "B_Hz"
        case timeBudget = "T_s"
        case powerSum = "Psum_W"
        case powerMax = "Pmax_W"
        case imageCounts = "n_images"
        case pilotCounts = "n_pilot"
        case bitsPerSample = "V_bits"
        case predictedLoss = "pi"
        case gains = "H"
        case pilotTime = "T0_s"
        case rateTargets = "eta"
    }

    /// The appendix's problem tag.
    public static let problemKey = "sttgs"

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func require<T: Decodable>(_ type: T.Type, _ key: CodingKeys) throws -> T {
            do {
                return try container.decode(type, forKey: key)
            } catch DecodingError.keyNotFound {
                throw OptimizerError(.invalidInstance, "missing key '\(key.rawValue)'")
            } catch {
                throw OptimizerError(.invalidInstance, "key '\(key.rawValue)' has the wrong type or is not finite")
            }
        }
        if let problem = try? container.decode(String.self, forKey: .problem), problem != Self.problemKey {
            throw OptimizerError(.invalidInstance, "'problem' is '\(problem)', expected '\(Self.problemKey)'")
        }
        clientCount = try require(Int.self, .clientCount)
        noisePower = try require(Double.self, .noisePower)
        bandwidths = try require([Double].self, .bandwidths)
        timeBudget = try require(Double.self, .timeBudget)
        powerSum = try require(Double.self, .powerSum)
        powerMax = try require(Double.self, .powerMax)
        imageCounts = try require([Int].self, .imageCounts)
        pilotCounts = try require([Int].self, .pilotCounts)
        bitsPerSample = try require([Double].self, .bitsPerSample)
        predictedLoss = try require([Double].self, .predictedLoss)
        gains = try require([[Double]].self, .gains)
        pilotTime = container.contains(.pilotTime) ? try require(Double.self, .pilotTime) : nil
        rateTargets = container.contains(.rateTargets) ? try require([Double].self, .rateTargets) : nil
        try validate()
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.problemKey, forKey: .problem)
        try container.encode(clientCount, forKey: .clientCount)
        try container.encode(noisePower, forKey: .noisePower)
        try container.encode(bandwidths, forKey: .bandwidths)
        try container.encode(timeBudget, forKey: .timeBudget)
        try container.encode(powerSum, forKey: .powerSum)
        try container.encode(powerMax, forKey: .powerMax)
        try container.encode(imageCounts, forKey: .imageCounts)
        try container.encode(pilotCounts, forKey: .pilotCounts)
        try container.encode(bitsPerSample, forKey: .bitsPerSample)
        try container.encode(predictedLoss, forKey: .predictedLoss)
        try container.encode(gains, forKey: .gains)
        try container.encodeIfPresent(pilotTime, forKey: .pilotTime)
        try container.encodeIfPresent(rateTargets, forKey: .rateTargets)
    }

    /// Throws an ``OptimizerError`` naming the first key that is missing a value, has the
    /// wrong length, is not finite or has the wrong sign.
    public func validate() throws {
        let k = clientCount
        try InstanceValidation.requireCount(k, "K", atLeast: 1)
        try InstanceValidation.requirePositive(noisePower, "sigma2_W")
        try InstanceValidation.requireArray(bandwidths, "B_Hz", count: k, positive: true)
        try InstanceValidation.requirePositive(timeBudget, "T_s")
        try InstanceValidation.requirePositive(powerSum, "Psum_W")
        try InstanceValidation.requirePositive(powerMax, "Pmax_W")
        try InstanceValidation.requireArray(imageCounts.map(Double.init), "n_images", count: k)
        try InstanceValidation.requireArray(pilotCounts.map(Double.init), "n_pilot", count: k)
        for i in 0..<k where pilotCounts[i] > imageCounts[i] {
            throw OptimizerError(
                .invalidInstance, "'n_pilot[\(i)]' = \(pilotCounts[i]) exceeds 'n_images[\(i)]' = \(imageCounts[i])")
        }
        try InstanceValidation.requireArray(bitsPerSample, "V_bits", count: k, positive: true)
        try InstanceValidation.requireArray(predictedLoss, "pi", count: k)
        guard gains.count == k else {
            throw OptimizerError(.invalidInstance, "'H' must have \(k) rows, got \(gains.count)")
        }
        for (row, values) in gains.enumerated() {
            try InstanceValidation.requireArray(values, "H[\(row)]", count: k)
            try InstanceValidation.requirePositive(values[row], "H[\(row)][\(row)]")
        }
        if let pilotTime {
            try InstanceValidation.requireNonNegative(pilotTime, "T0_s")
            guard pilotTime < timeBudget else {
                throw OptimizerError(.invalidInstance, "'T0_s' = \(pilotTime) leaves no time of 'T_s' = \(timeBudget)")
            }
        }
        if let rateTargets { try InstanceValidation.requireArray(rateTargets, "eta", count: k) }
    }
}
