import Foundation
import SeededRandom

/// Where the per-frame losses `L_t` of a GSMR instance come from. The paper measures them as
/// ℓ(real MR image, MR image from the GS render) along the robot's route; the renderer-backed
/// source will supply exactly that, and until then `SyntheticFrameLosses` stands in.
public protocol FrameLossSource: Sendable {
    /// A short label recorded in the instance's `generator` metadata.
    var name: String { get }
    /// `L_t` for `frames` frames of run `run` (each run may be a different route or seed).
    func losses(frames: Int, run: Int) throws -> [Double]
}

/// A seeded, documented stand-in for renderer-measured losses (label "synthetic-ar1-bursts").
///
/// Shape chosen to match what the GSMR paper reports of its route: most frames are rendered
/// well by the GS memory (the paper's APO operating point of loss 0.02–0.035 ↔ PSNR 30–40 dB),
/// while stretches with "memory bias" (dynamic objects, changes since training) are rendered
/// badly (its GS-only baseline loses 0.1–0.17). Concretely, with z_t an AR(1) process of
/// correlation `correlation` and unit stationary variance,
/// `L_t = baseMedian·exp(baseSpread·z_t) + burst_t`, where bursts start with probability
/// `burstRate` per frame, last U{burstLength} frames and add U(burstLevel) to the loss.
public struct SyntheticFrameLosses: FrameLossSource {
    /// Seed of the loss streams (run r uses stream r).
    public var seed: UInt64
    /// Median of the well-rendered frames' loss.
    public var baseMedian = 0.02
    /// Log-standard deviation of the well-rendered frames' loss.
    public var baseSpread = 0.5
    /// Frame-to-frame correlation of the log loss (the robot moves smoothly).
    public var correlation = 0.9
    /// Probability per frame that a memory-bias stretch starts.
    public var burstRate = 1.0 / 48
    /// Length of a stretch, in frames.
    public var burstLength = 5...20
    /// Extra loss during a stretch.
    public var burstLevel = 0.05...0.25

    /// A synthetic source with the documented defaults.
    public init(seed: UInt64) { self.seed = seed }

    public var name: String { "synthetic-ar1-bursts(seed=\(seed))" }

    public func losses(frames: Int, run: Int) throws -> [Double] {
        var generator = SeededGenerator(seed: seed, stream: 0x4C05_5E5, index: UInt64(run))
        var z = generator.nextGaussian()
        let innovation = (1 - correlation * correlation).squareRoot()
        var burstLeft = 0, burstAdd = 0.0
        return (0..<frames).map { _ in
            z = correlation * z + innovation * generator.nextGaussian()
            if burstLeft == 0, generator.nextUnit() < burstRate {
                burstLeft = Int(generator.nextUniform(in: Double(burstLength.lowerBound)..<Double(burstLength.upperBound + 1)))
                burstAdd = generator.nextUniform(in: burstLevel.lowerBound..<burstLevel.upperBound)
            }
            var loss = baseMedian * exp(baseSpread * z)
            if burstLeft > 0 {
                loss += burstAdd
                burstLeft -= 1
            }
            return loss
        }
    }
}
