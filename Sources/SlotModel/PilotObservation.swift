import Numerics
import Protocol
import SeededRandom
import Wireless

/// One slot's channel as a client's pilot shows it (GSMR §V): the estimate h̃ the client reports
/// in CHANNEL_REPORT and the true channel h = h̃ + Δh it then transmits over, with
/// Δh ~ CN(0, ω²·I_N) independent of h̃ and ω² = r·‖h̃‖²/N (for N = 1 the paper's
/// ω² = r·|h̃|², r = 0.04 in its experiments).
///
/// The estimate is the link's seeded realisation and the truth adds the error, the paper's own
/// model, so BILS's guarantee P_out ≤ ε holds exactly against the emulated truth. The error is
/// drawn from its own seeded stream, so a run is reproducible and the server, which never
/// computes realisations, cannot learn it.
public struct PilotObservation: Sendable, Equatable {
    /// h̃, one coefficient per server antenna.
    public var estimate: [Complex<Double>]
    /// h = h̃ + Δh.
    public var truth: [Complex<Double>]

    /// ‖h̃‖², what CHANNEL_REPORT's `gain` carries.
    public var estimateGain: Double { ChannelVector.squaredNorm(estimate) }
    /// ‖h‖², what the transmission really gets.
    public var trueGain: Double { ChannelVector.squaredNorm(truth) }
}

extension EmulatedLink {
    /// The stream key of the estimation errors of link `link` (the fading uses `link` itself).
    static func errorStream(link: UInt32) -> UInt64 { UInt64(link) | 1 << 40 }

    /// The pilot observation of link `link` in `slot` at `position` under the estimation error
    /// `error` (r = 0: the estimate is exact).
    public func pilot(
        seed: UInt64, link: UInt32, slot: UInt64, position: SIMD3<Double>, error: ChannelEstimateError
    ) -> PilotObservation {
        let estimate = channel(seed: seed, link: link, slot: slot, position: position)
        guard error.relativeVariance > 0 else { return PilotObservation(estimate: estimate, truth: estimate) }
        var generator = SeededGenerator(seed: seed, stream: Self.errorStream(link: link), index: slot)
        let perAntenna = error.relativeVariance * ChannelVector.squaredNorm(estimate) / Double(estimate.count)
        let halfStd = (0.5 * perAntenna).squareRoot()
        let truth = estimate.map { $0 + Complex(generator.nextGaussian() * halfStd, generator.nextGaussian() * halfStd) }
        return PilotObservation(estimate: estimate, truth: truth)
    }
}

extension ChannelCoefficient {
    /// The coefficient as a complex number.
    public var complex: Complex<Double> { Complex(real, imaginary) }

    /// The wire form of `value`.
    public init(_ value: Complex<Double>) { self.init(real: value.real, imaginary: value.imaginary) }
}
