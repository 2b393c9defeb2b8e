import Foundation
import SeededRandom
import Wireless

/// The STT-GS collectors' interfering uplink (SPEC §1 "multi-user uplink with MRC", §4): what
/// edge-serverd's collection rounds and client-sim's collectors must agree on.
///
/// Each collector stands at a radio position in a square around the edge, drawn from
/// (channel seed, link id), so that any process can place any link it hears of in a `SCHEDULE`'s
/// co-scheduled list. Its channel vector in round r is the Rician realisation keyed by
/// (seed, link, r) scaled by path loss and shadowing; the composite MRC gains H of a set of links
/// follow, and with them every client's SINR `H_kk p_k / (Σ_{j≠k} H_kj p_j + σ²)`.
/// Defaults are the paper's settings (N = 64, K = −26 dB, α = 3, shadowing −20 dB,
/// B = 10 MHz, σ² = −100 dBm, 100 m × 100 m).
public struct CollectorUplink: Sendable, Equatable {
    /// Server antennas N.
    public var antennas = 64
    /// Rician K-factor in dB.
    public var kFactorDB = -26.0
    /// Path loss ρ₀ d^−α.
    public var pathLoss = PathLoss(referenceGainDB: -30, exponent: 3)
    /// Shadowing in dB (applied to every link).
    public var shadowingDB = -20.0
    /// Bandwidth B_k in hertz.
    public var bandwidth = 10e6
    /// Noise power σ² in watts.
    public var noise = Units.watts(fromDBm: -100)
    /// Side of the square around the edge the collectors stand in (m).
    public var areaSide = 100.0

    /// Random stream of the radio placements.
    static let placementStream: UInt64 = 0x5354_5447_0001

    /// The paper's settings.
    public init() {}

    /// Where link `link`'s collector stands (metres from the edge, z = 0): uniform in the square.
    public func position(seed: UInt64, link: UInt32) -> SIMD3<Double> {
        var generator = SeededGenerator(seed: seed, stream: Self.placementStream, index: UInt64(link))
        let half = areaSide / 2
        return SIMD3(generator.nextUniform(in: -half..<half), generator.nextUniform(in: -half..<half), 0)
    }

    /// The MRC composite gains H of `links` (each with its position) in round `round`:
    /// `gains[k][j]` is what the receiver matched to link k collects from link j.
    public func compositeGains(seed: UInt64, round: UInt64, links: [(link: UInt32, position: SIMD3<Double>)]) -> [[Double]] {
        let vectors = links.map { link, position in
            let distance = max(EmulatedLink.minimumDistance, (position * position).sum().squareRoot())
            let beta = pathLoss.gain(distance: distance) * Units.ratio(fromDB: shadowingDB)
            return RicianChannel(antennas: antennas, kFactorDB: kFactorDB, largeScaleGain: beta)
                .realisation(seed: seed, link: UInt64(link), slot: round)
        }
        return ChannelVector.mrcCompositeGains(vectors)
    }

    /// Client `k`'s rate `B log2(1 + SINR_k)` in bit/s when the links of `gains` send `powers`.
    public func rate(of k: Int, powers: [Double], gains: [[Double]]) -> Double {
        Shannon.rate(bandwidth: bandwidth, sinr: Shannon.sinr(user: k, powers: powers, gains: gains, noise: noise))
    }
}
