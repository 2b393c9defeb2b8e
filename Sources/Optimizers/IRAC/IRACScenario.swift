import Foundation
import SeededRandom
import Wireless

/// Where a scenario's GS switching gains Δ_k come from. The renderer will supply
/// ℓ(R(s_k|small), R(s_k|large)) at each user's pose; until then a synthetic source stands in.
public protocol SwitchingGainSource: Sendable {
    /// A short label recorded in generated instances (e.g. "synthetic-lognormal").
    var label: String { get }
    /// Δ_k for users at `positions` (metres, edge at the origin), reproducibly from `seed`.
    func switchingGains(positions: [SIMD2<Double>], seed: UInt64) -> [Double]
}

/// Synthetic Δ_k: log-normal around the gap the paper's Table I reports between the device
/// and edge models (GS loss 0.041 vs 0.029, i.e. a mean gain ≈ 0.012), with a wide spread
/// because views differ ("pain points" gain much more than easy views).
/// Δ = exp(N(log median, spread²)), clipped to [median/20, median·20].
public struct SyntheticSwitchingGains: SwitchingGainSource {
    /// Median Δ.
    public var median: Double
    /// Standard deviation of log Δ.
    public var spread: Double

    /// A synthetic source; defaults fitted to Table I of the paper.
    public init(median: Double = 0.01, spread: Double = 0.6) {
        self.median = median
        self.spread = spread
    }

    public var label: String { "synthetic-lognormal(median=\(median),sigma=\(spread))" }

    public func switchingGains(positions: [SIMD2<Double>], seed: UInt64) -> [Double] {
        var generator = SeededGenerator(seed: seed, stream: IRACScenario.Stream.gains, index: 0)
        return positions.map { _ in
            let draw = median * exp(spread * generator.nextGaussian())
            return min(max(draw, median / 20), median * 20)
        }
    }
}

/// The SPEC §3 ECO-GS scenario: K users uniform in a square around an N-antenna edge,
/// Rayleigh fading (the paper's h ~ CN(0, PL·I)), path loss ρ0 d^−α.
///
/// Defaults: N = 64, K = 10, 100 m × 100 m, α = 3, ρ0 = −30 dB, σ² = −90 dBm, B = 20 MHz,
/// T_max = 100 ms. Where the paper's text lost its numbers (documented in docs/IRAC.md):
/// t_e = 20 ms, D = 16 Mbit per frame, K_max = 5, P = 5 mW.
public struct IRACScenario: Sendable {
    /// Keyed random streams, so positions, fading and Δ of one instance are independent.
    enum Stream {
        static let positions: UInt64 = 0x1AC0
        static let fading: UInt64 = 0x1AC1
        static let gains: UInt64 = 0x1AC2
    }

    /// K.
    public var userCount = 10
    /// N edge antennas.
    public var antennas = 64
    /// Side of the square (metres) centred on the edge.
    public var areaSide = 100.0
    /// Path-loss law.
    public var pathLoss = PathLoss(referenceGainDB: -30, exponent: 3)
    /// σ² in watts.
    public var noisePower = Units.watts(fromDBm: -90)
    /// B in hertz.
    public var bandwidth = 20e6
    /// D in bits.
    public var frameBits = 16e6
    /// T_max in seconds.
    public var latencyBudget = 0.1
    /// t_e in seconds.
    public var edgeRenderTime = 0.02
    /// P in watts.
    public var powerBudget = 5e-3
    /// K_max.
    public var maxUsers = 5
    /// Source of Δ_k.
    public var gainSource: any SwitchingGainSource = SyntheticSwitchingGains()

    /// The default scenario.
    public init() {}

    /// User positions for `seed`, uniform in the square (edge at the origin).
    public func positions(seed: UInt64) -> [SIMD2<Double>] {
        var generator = SeededGenerator(seed: seed, stream: Stream.positions, index: 0)
        let half = areaSide / 2
        return (0..<userCount).map { _ in
            SIMD2(generator.nextUniform(in: -half..<half), generator.nextUniform(in: -half..<half))
        }
    }

    /// The instance for `seed`: positions, one fading realisation per user (link k, slot 0),
    /// and Δ from `gainSource`. Throws `.invalidInstance` if the scenario's settings are not
    /// physical (e.g. t_e ≥ T_max).
    public func instance(seed: UInt64) throws -> IRACInstance {
        let places = positions(seed: seed)
        let gains = places.enumerated().map { k, position in
            let distance = (position.x * position.x + position.y * position.y).squareRoot()
            let channel = RicianChannel(
                antennas: antennas, kFactorDB: -.infinity, largeScaleGain: pathLoss.gain(distance: distance))
            var generator = SeededGenerator(seed: seed, stream: Stream.fading, index: UInt64(k))
            return ChannelVector.squaredNorm(channel.draw(using: &generator))
        }
        return try IRACInstance(
            noisePower: noisePower, bandwidth: bandwidth, frameBits: frameBits,
            latencyBudget: latencyBudget, edgeRenderTime: edgeRenderTime, powerBudget: powerBudget,
            maxUsers: maxUsers, switchingGains: gainSource.switchingGains(positions: places, seed: seed),
            channelGains: gains)
    }
}
