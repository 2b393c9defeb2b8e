import Numerics
import SeededRandom

/// Imperfect channel state information (GSMR §V): the server knows an estimate `h̃` and the
/// true channel is `h = h̃ + Δh` with `Δh ~ CN(0, ω²)`, independent of `h̃`.
///
/// The paper's experiments set the error variance proportional to the estimate's power,
/// `ω² = r·|h̃|²` (r = 0.04); `relativeVariance` is that r.
public struct ChannelEstimateError: Sendable, Equatable, Codable {
    /// r in `ω² = r·|h̃|²`.
    public var relativeVariance: Double

    /// An error model with `ω² = relativeVariance·|h̃|²`.
    public init(relativeVariance: Double) {
        precondition(relativeVariance >= 0 && relativeVariance.isFinite, "ω² must be finite and ≥ 0")
        self.relativeVariance = relativeVariance
    }

    /// ω² for the estimate `estimate`.
    public func errorVariance(of estimate: Complex<Double>) -> Double {
        relativeVariance * estimate.lengthSquared
    }

    /// One draw of the true channel `h̃ + Δh` given the estimate.
    public func trueChannel<G: RandomNumberGenerator>(
        estimate: Complex<Double>, using generator: inout G
    ) -> Complex<Double> {
        let halfStd = (0.5 * errorVariance(of: estimate)).squareRoot()
        return estimate + Complex(generator.nextGaussian() * halfStd, generator.nextGaussian() * halfStd)
    }
}
