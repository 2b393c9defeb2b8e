import Numerics
import Foundation
import SeededRandom

/// A Rician block-fading channel from a single-antenna device to an N-antenna server:
/// `h = sqrt(β) · ( sqrt(K/(K+1)) · h_LOS + sqrt(1/(K+1)) · h_NLOS )` with
/// `h_LOS = [1, e^(−jπ sinθ), …, e^(−j(N−1)π sinθ)]ᵀ`, θ ~ U(−π, π), `h_NLOS ~ CN(0, I_N)`.
///
/// β is the large-scale gain (path loss × shadowing × blockage); K = 0 gives Rayleigh fading,
/// N = 1 the scalar channel of GSMR.
public struct RicianChannel: Sendable, Equatable, Codable {
    /// Number of server antennas N (≥ 1).
    public var antennas: Int
    /// Rician K-factor as a linear ratio (0 = Rayleigh).
    public var kFactor: Double
    /// Large-scale linear power gain β.
    public var largeScaleGain: Double

    /// A channel with `antennas` server antennas, K-factor `kFactorDB` (dB; `-inf` for
    /// Rayleigh) and large-scale gain `largeScaleGain` (linear).
    public init(antennas: Int, kFactorDB: Double, largeScaleGain: Double) {
        precondition(antennas >= 1, "a channel needs at least one antenna")
        self.antennas = antennas
        self.kFactor = kFactorDB == -.infinity ? 0 : Units.ratio(fromDB: kFactorDB)
        self.largeScaleGain = largeScaleGain
    }

    /// One realisation of the channel vector, drawn from `generator`.
    public func draw<G: RandomNumberGenerator>(using generator: inout G) -> [Complex<Double>] {
        let los = (kFactor / (kFactor + 1)).squareRoot()
        let nlos = (1 / (kFactor + 1)).squareRoot()
        let theta = generator.nextUniform(in: -Double.pi..<Double.pi)
        let phaseStep = -Double.pi * sin(theta)
        let scale = largeScaleGain.squareRoot()
        // CN(0, 1): real and imaginary parts each N(0, 1/2).
        let halfStd = (0.5).squareRoot()
        return (0..<antennas).map { n in
            let lineOfSight = Complex(cos(Double(n) * phaseStep), sin(Double(n) * phaseStep))
            let scattered = Complex(
                generator.nextGaussian() * halfStd, generator.nextGaussian() * halfStd)
            return lineOfSight.multiplied(by: los * scale) + scattered.multiplied(by: nlos * scale)
        }
    }

    /// The realisation of link `link` in slot `slot` under run seed `seed`: every process that
    /// asks for the same key gets the same vector (block fading keyed by (seed, link, slot)).
    public func realisation(seed: UInt64, link: UInt64, slot: UInt64) -> [Complex<Double>] {
        var generator = SeededGenerator(seed: seed, stream: link, index: slot)
        return draw(using: &generator)
    }
}
