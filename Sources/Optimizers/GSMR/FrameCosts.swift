import Foundation

/// The per-frame power needed to send a fractional content mix, `c_t(x) =
/// σ²(2^((S + (I−S)x)/(τB)) − 1)/g_t`, and the exact minimiser of the separable subproblems
/// built on it. `c_t` is convex and increasing in x ∈ [0, 1].
public struct FrameCosts: Sendable {
    /// `c_t(0)`: the power to send frame t's pose.
    public let pose: [Double]
    /// `c_t(1)`: the power to send frame t's image.
    public let image: [Double]
    /// `c_t(1) − c_t(0)`: what switching frame t to the image costs.
    public let increment: [Double]
    /// Noise-to-gain ratio `σ²/g_t`.
    let noiseOverGain: [Double]
    /// Exponent scale `(I − S)/(τB)` and offset `S/(τB)`.
    let exponentSlope: Double
    let exponentOffset: Double
    /// `c_t'(0)` and `c_t'(1)`: the breakpoints of the subproblem minimisers.
    let slopeAtPose: [Double]
    let slopeAtImage: [Double]

    /// The costs of `instance` with its own gains.
    public init(_ instance: GSCLOInstance) {
        self.init(instance, gains: instance.gains)
    }

    /// The costs of `instance` with the gains replaced by `gains` (e.g. robust or ZF gains).
    public init(_ instance: GSCLOInstance, gains: [Double]) {
        let capacity = instance.slotSeconds * instance.bandwidth
        let slope = (instance.imageBits - instance.poseBits) / capacity
        let offset = instance.poseBits / capacity
        let ratios = gains.map { instance.noise / $0 }
        let poseFactor = expm1(offset * M_LN2)
        let imageFactor = expm1((offset + slope) * M_LN2)
        let kappa = M_LN2 * slope
        exponentSlope = slope
        exponentOffset = offset
        noiseOverGain = ratios
        pose = ratios.map { $0 * poseFactor }
        image = ratios.map { $0 * imageFactor }
        increment = zip(image, pose).map { $0 - $1 }
        slopeAtPose = ratios.map { $0 * kappa * exp2(offset) }
        slopeAtImage = ratios.map { $0 * kappa * exp2(offset + slope) }
    }

    /// Number of frames.
    public var count: Int { pose.count }

    /// `c_t(x)` for binary or fractional x.
    public func cost(_ t: Int, _ x: Double) -> Double {
        noiseOverGain[t] * expm1((exponentOffset + exponentSlope * x) * M_LN2)
    }

    /// `c_t'(x) = (σ²/g_t)·ln2·(I−S)/(τB)·2^((S + (I−S)x)/(τB))`.
    public func slope(_ t: Int, _ x: Double) -> Double {
        noiseOverGain[t] * M_LN2 * exponentSlope * exp2(exponentOffset + exponentSlope * x)
    }

    /// Σ_t c_t(x_t) for binary decisions.
    public func totalPower(_ x: [Bool]) -> Double {
        var total = 0.0
        for t in x.indices { total += x[t] ? image[t] : pose[t] }
        return total
    }

    /// The exact minimiser over x ∈ [0, 1] of `linear·x + weight·c_t(x)` (weight ≥ 0).
    ///
    /// The objective is convex; where its derivative `linear + weight·c_t'(x)` vanishes,
    /// `2^((S+(I−S)x)/(τB)) = −linear/(weight·κ_t)` with `κ_t = (σ²/g_t)·ln2·(I−S)/(τB)`, i.e.
    /// `x = (log2(−linear/(weight·κ_t)) − S/(τB)) / ((I−S)/(τB))`, clipped to [0, 1].
    public func minimiser(_ t: Int, linear: Double, weight: Double) -> Double {
        guard linear < 0 else { return 0 }
        guard weight > 0 else { return 1 }
        let kappa = noiseOverGain[t] * M_LN2 * exponentSlope
        let x = (log2(-linear / (weight * kappa)) - exponentOffset) / exponentSlope
        return min(max(x, 0), 1)
    }

    /// `c_t` at the minimiser of `linear·x + weight·c_t(x)`, without logarithms: on the
    /// interior branch `c_t = −linear/(weight·ln2·(I−S)/(τB)) − σ²/g_t`, and the clipped
    /// branches give `c_t(0)` or `c_t(1)`. The breakpoints are where `c_t'(0)` and `c_t'(1)`
    /// meet `−linear/weight`.
    func costAtMinimiser(_ t: Int, linear: Double, weight: Double) -> Double {
        guard linear < 0 else { return pose[t] }
        guard weight > 0 else { return image[t] }
        let ratio = -linear / weight
        if ratio <= slopeAtPose[t] { return pose[t] }
        if ratio >= slopeAtImage[t] { return image[t] }
        return ratio / (M_LN2 * exponentSlope) - noiseOverGain[t]
    }
}
