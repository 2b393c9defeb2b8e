import Foundation
import Numerics
import Wireless

/// The experiment settings of the GSMR paper (§VII) and a generator of P_GS instances from
/// them: τ = 0.1 s, B = 1 MHz, σ² = −60 dBm, I = 537.6 kbit, S = 192 bit, T = 288, ρ0 = −30 dB,
/// d = 10 m, α = 3, Rician K ∈ {0, 30} dB, P ∈ {5 … 40} mW.
///
/// Run r's channel in frame t is the Rician realisation keyed by (seed, link r, slot t), so any
/// process can reproduce it. Every instance also carries the robust fields (h̃ = that
/// realisation, ω² = `relativeErrorVariance`·|h̃|², ε) and L_th, so one file serves every solver.
public struct GSMRScenario: Sendable, Equatable {
    /// T.
    public var frames = 288
    /// τ (s).
    public var slotSeconds = 0.1
    /// B (Hz).
    public var bandwidth = 1e6
    /// σ² (dBm).
    public var noiseDBm = -60.0
    /// I (bits).
    public var imageBits = 537_600.0
    /// S (bits).
    public var poseBits = 192.0
    /// ρ0 (dB at 1 m).
    public var referenceGainDB = -30.0
    /// Robot–server distance d (m).
    public var distance = 10.0
    /// Path-loss exponent α.
    public var exponent = 3.0
    /// Rician K-factor (dB; −∞ for Rayleigh).
    public var kFactorDB = 0.0
    /// Average power budget P (W).
    public var powerBudget = 0.01
    /// ω² = relativeErrorVariance·|h̃|² (paper: 0.04).
    public var relativeErrorVariance = 0.04
    /// Outage target ε (paper: 0.1).
    public var epsilon = 0.1
    /// Loss threshold of the low-power problems.
    public var lossThreshold = 0.03
    /// Seed of the channel realisations.
    public var seed: UInt64 = 1

    /// The paper's settings with budget `powerBudget` (W) and K-factor `kFactorDB`.
    public init(powerBudget: Double = 0.01, kFactorDB: Double = 0, seed: UInt64 = 1) {
        self.powerBudget = powerBudget
        self.kFactorDB = kFactorDB
        self.seed = seed
    }

    /// The channel model of every frame.
    public var channel: RicianChannel {
        RicianChannel(
            antennas: 1, kFactorDB: kFactorDB,
            largeScaleGain: PathLoss(referenceGainDB: referenceGainDB, exponent: exponent).gain(distance: distance))
    }

    /// Run `run`'s channel in every frame (the estimate h̃_t of the robust problem).
    public func channels(run: Int) -> [Complex<Double>] {
        let model = channel
        return (0..<frames).map { model.realisation(seed: seed, link: UInt64(run), slot: UInt64($0))[0] }
    }

    /// The instance of run `run` with losses from `source`.
    public func instance(run: Int, losses source: any FrameLossSource) throws -> GSCLOInstance {
        let h = channels(run: run)
        let gains = h.map(\.lengthSquared)
        return try GSCLOInstance(
            frames: frames, slotSeconds: slotSeconds, bandwidth: bandwidth,
            noise: Units.watts(fromDBm: noiseDBm), imageBits: imageBits, poseBits: poseBits,
            powerBudget: powerBudget, losses: try source.losses(frames: frames, run: run), gains: gains,
            hEstimate: .init(re: h.map(\.real), im: h.map(\.imaginary)),
            errorVariance: gains.map { relativeErrorVariance * $0 }, epsilon: epsilon,
            lossThreshold: lossThreshold,
            generator: [
                "tool": "gs-lab gsmr generate", "L_source": source.name, "channel_seed": String(seed),
                "run": String(run), "K_dB": String(kFactorDB), "distance_m": String(distance),
                "alpha": String(exponent), "rho0_dB": String(referenceGainDB),
            ])
    }
}
