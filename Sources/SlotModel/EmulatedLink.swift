import Foundation
import Numerics
import Protocol
import Wireless

/// An emulated wireless link between a client and the edge (DESIGN.md "Emulated links").
///
/// Large-scale gain from the distance between the client's pose and the edge's antenna
/// (path loss ρ₀ d^−α), small-scale Rician fading from the realisation keyed by
/// (seed, link, slot). Only the client computes these realisations: it estimates its channel
/// from the slot's pilot (``pilot(seed:link:slot:position:error:)``) and reports the estimate in
/// CHANNEL_REPORT; the server plans from reports and, for slots not reported yet, from the
/// large-scale mean ``meanGain(at:)`` (docs/PROTOCOL.md "How CHANNEL_REPORT is used").
public struct EmulatedLink: Sendable, Equatable {
    /// Server antennas N (1 for GSMR's scalar uplink, 64 for ECO-GS's MRC downlink).
    public var antennas: Int
    /// Rician K-factor in dB (−∞: Rayleigh).
    public var kFactorDB: Double
    /// Path loss model.
    public var pathLoss: PathLoss
    /// Bandwidth B in hertz.
    public var bandwidth: Double
    /// Noise power σ² in watts.
    public var noise: Double
    /// Where the edge's antenna is (metres, world frame).
    public var antennaPosition: SIMD3<Double>
    /// Distances are clamped to at least this (metres), so a client standing on the antenna
    /// does not get an unbounded gain.
    public static let minimumDistance = 1.0

    /// A link model.
    public init(
        antennas: Int, kFactorDB: Double, pathLoss: PathLoss, bandwidth: Double, noise: Double,
        antennaPosition: SIMD3<Double> = SIMD3(0, 0, 3)
    ) {
        self.antennas = antennas
        self.kFactorDB = kFactorDB
        self.pathLoss = pathLoss
        self.bandwidth = bandwidth
        self.noise = noise
        self.antennaPosition = antennaPosition
    }

    /// GSMR's robot uplink: 1 antenna, K = 0 dB, ρ₀ = −30 dB, α = 3, B = 1 MHz, σ² = −60 dBm.
    public static let robotUplink = EmulatedLink(
        antennas: 1, kFactorDB: 0, pathLoss: PathLoss(referenceGainDB: -30, exponent: 3), bandwidth: 1e6,
        noise: Units.watts(fromDBm: -60))

    /// ECO-GS's user downlink: 64 antennas (MRC), Rayleigh, ρ₀ = −30 dB, α = 3, B = 20 MHz,
    /// σ² = −90 dBm.
    public static let userDownlink = EmulatedLink(
        antennas: 64, kFactorDB: -.infinity, pathLoss: PathLoss(referenceGainDB: -30, exponent: 3), bandwidth: 20e6,
        noise: Units.watts(fromDBm: -90))

    /// The composite gain ‖h‖² of link `link` in `slot` for a client at `position`.
    public func gain(seed: UInt64, link: UInt32, slot: UInt64, position: SIMD3<Double>) -> Double {
        ChannelVector.squaredNorm(channel(seed: seed, link: link, slot: slot, position: position))
    }

    /// The channel vector h (N entries) of link `link` in `slot` for a client at `position`.
    public func channel(seed: UInt64, link: UInt32, slot: UInt64, position: SIMD3<Double>) -> [Complex<Double>] {
        rician(at: position).realisation(seed: seed, link: UInt64(link), slot: slot)
    }

    /// The mean gain E‖h‖² = N·ρ₀d^−α at `position`: the Rician vector's entries each have
    /// power β, whatever K. All the edge knows of a slot no client has reported yet.
    public func meanGain(at position: SIMD3<Double>) -> Double {
        Double(antennas) * rician(at: position).largeScaleGain
    }

    private func rician(at position: SIMD3<Double>) -> RicianChannel {
        let offset = position - antennaPosition
        let distance = max(Self.minimumDistance, (offset * offset).sum().squareRoot())
        return RicianChannel(antennas: antennas, kFactorDB: kFactorDB, largeScaleGain: pathLoss.gain(distance: distance))
    }

    /// The rate `B log2(1 + p g / σ²)` in bit/s.
    public func rate(power: Double, gain: Double) -> Double {
        Shannon.rate(bandwidth: bandwidth, sinr: power * gain / noise)
    }

    /// Seconds to carry `bits` at power `power` over gain `gain` (∞ when the rate is 0).
    public func transmissionSeconds(bits: Double, power: Double, gain: Double) -> Double {
        let rate = rate(power: power, gain: gain)
        return rate > 0 ? bits / rate : .infinity
    }
}
